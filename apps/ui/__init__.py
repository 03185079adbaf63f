"""The Streamlit front end: page scripts (`*_page.py`), their registry, cached services and rendering."""
