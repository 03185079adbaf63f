"""Sources that read well on real documents: a whole list is one source card, a list item is not an article, and
the 岗位 page is headed by document titles, not by an article's sentence.

Each test failed before its fix: a duty list came with one card per item (seven cards, one breadcrumb), the
items （一）（二） of 第三条 were labelled 第1条, 第2条 as if they were articles, and the roles of an article at a
document's top were grouped under a heading the size of the page title that was the article's whole sentence.
"""
from __future__ import annotations

import pytest
from app_driver import APP, TIMEOUT_S
from streamlit.testing.v1 import AppTest

from ingest.pipeline import run_ingest
from kb.answer import Answerer
from kb.knowledge import KnowledgeBase

ROLES_PAGE = "apps/ui/roles_page.py"
TITLE = "小区物业管理规定"
# laid out as the traffic rules in evals/corpora/real are: articles before the first chapter, one of them
# giving a post its duties in a list, and a later article holding the owners' duties as a list
REGULATION = f"""# {TITLE}

第一条 为了规范小区物业管理活动，维护业主的合法权益，制定本规定。

第二条 交通协管员可以在物业服务人员指导下承担以下工作：

（一）维护小区道路交通秩序，劝阻违规停车；

（二）劝阻占用消防通道的行为；

（三）接受业主求助。

## 第二章 业主

第三条 业主在物业管理活动中，履行下列义务：

（一）遵守管理规约；

（二）按时交纳物业服务费用；

（三）爱护物业共用部位和共用设施设备。

第四条 物业服务企业可以将专项服务业务委托给专业性服务企业，但不得将全部物业管理一并委托给他人。
"""


@pytest.fixture(scope="module")
def regulation(tmp_path_factory, embedding_cache):
    from kb.settings import Settings

    corpus = tmp_path_factory.mktemp("regulation")
    (corpus / f"{TITLE}.md").write_text(REGULATION, encoding="utf-8")
    settings = Settings(home=tmp_path_factory.mktemp("regulation-home"), corpus=corpus,
                        embedding_cache=embedding_cache)
    run_ingest(settings, show_progress=False)
    return settings


def test_the_items_of_an_article_are_labelled_xiang_and_the_article_tiao(regulation):
    answerer = Answerer(KnowledgeBase(regulation))
    answer = answerer.answer("业主有哪些义务")
    labels = [c.label for c in answer.citations]
    assert labels and all("第三条" in label for label in labels), labels
    assert [label.rsplit(" › ", 1)[-1] for label in labels] == ["第1项", "第2项", "第3项"]
    answer = answerer.answer("物业服务企业可以将专项服务业务委托给专业性服务企业吗")
    article = next(c for c in answer.citations if c.quote.startswith("第四条"))
    assert article.label.endswith(" › 第4条")


def test_a_whole_duty_list_is_one_source_card(seed_settings, monkeypatch):
    monkeypatch.setenv("DUTYKB_HOME", str(seed_settings.home))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    at.chat_input[0].set_value("值班长的岗位职责是什么").run()
    assert not at.exception
    message = at.chat_message[-1]
    assert "值班长的岗位职责（共7项）" in message.markdown[0].value
    assert len(message.expander) == 1, [e.label for e in message.expander]


def test_roles_are_headed_by_their_document_title_not_an_articles_sentence(regulation, monkeypatch):
    monkeypatch.setenv("DUTYKB_HOME", str(regulation.home))
    monkeypatch.setenv("DUTYKB_CORPUS", str(regulation.corpus))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S).run()
    at.switch_page(ROLES_PAGE).run()
    assert not at.exception
    assert not at.header  # a group heading sits a size under the page title
    assert [h.value for h in at.subheader] == [TITLE]
    headings = [h.value for h in at.subheader] + [c.value for c in at.caption if "个岗位" in c.value]
    assert not any("承担以下工作" in h for h in headings), headings
