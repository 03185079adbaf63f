"""A small OpenAI-compatible chat server on 127.0.0.1 for tests: real HTTP, scripted replies."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STREAM_PIECE_CHARS = 4


class FakeLLM:
    """`reply(messages) -> str` decides what the 'model' says; requests are recorded.

    With `drip_s`, the response (headers, then the body) goes out one byte every `drip_s` seconds: a
    server no read timeout ever catches."""

    def __init__(self, reply, drip_s: float | None = None):
        self.reply = reply
        self.drip_s = drip_s
        self.requests: list[dict] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address
        return f"http://{host}:{port}/v1"

    def spec(self, model: str = "fake-qwen") -> str:
        return f"{model}@{self.base_url}"

    def __enter__(self) -> FakeLLM:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(body)
                text = fake.reply(body["messages"])
                if body.get("stream"):
                    self._stream(body["model"], text)
                else:
                    self._json(body["model"], text)

            def _json(self, model, text):
                payload = {"id": "cmpl-1", "object": "chat.completion", "created": int(time.time()), "model": model,
                           "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                        "finish_reason": "stop"}],
                           "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self._write(data)

            def _write(self, data: bytes) -> None:
                if fake.drip_s is None:
                    self.wfile.write(data)
                    self.wfile.flush()
                    return
                try:
                    for i in range(len(data)):
                        self.wfile.write(data[i:i + 1])
                        self.wfile.flush()
                        time.sleep(fake.drip_s)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
                    pass

            def _stream(self, model, text):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = [text[i:i + STREAM_PIECE_CHARS] for i in range(0, len(text), STREAM_PIECE_CHARS)]
                for piece in pieces + [None]:
                    delta = {"content": piece} if piece is not None else {}
                    chunk = {"id": "cmpl-1", "object": "chat.completion.chunk", "created": int(time.time()),
                             "model": model, "choices": [{"index": 0, "delta": delta,
                                                          "finish_reason": None if piece is not None else "stop"}]}
                    self._write(f"data: {json.dumps(chunk)}\n\n".encode())
                self._write(b"data: [DONE]\n\n")

        return Handler


def sources_in(messages: list[dict]) -> dict[int, str]:
    """The numbered <source> blocks of the user message, as the prompt sent them."""
    import re

    user = next(m["content"] for m in messages if m["role"] == "user")
    return {int(n): text.strip() for n, text in re.findall(r'<source id="(\d+)"[^>]*>\n(.*?)\n</source>', user, re.S)}
