"""Runs the pre-call hook of deploy/examples/litellm_costpipe_budget.py as the LiteLLM proxy would, with LiteLLM's
and FastAPI's classes stubbed (neither is installed where the tests run), and prints its outcome as one JSON line.

    python3 run_litellm_hook.py EXAMPLE_PY USER_ID
"""
import asyncio
import importlib.util
import json
import sys
import types


class HTTPException(Exception):
    def __init__(self, status_code, detail=None):
        super().__init__(status_code, detail)
        self.status_code, self.detail = status_code, detail


class CustomLogger:
    pass


def module(name, **attributes):
    m = types.ModuleType(name)
    m.__dict__.update(attributes)
    return m


# LiteLLM's estimate: 1,000 prompt tokens at $1/M and the max_tokens at $2/M
sys.modules.update({
    "fastapi": module("fastapi", HTTPException=HTTPException),
    "litellm": module("litellm", token_counter=lambda model, messages: 1000,
                      cost_per_token=lambda model, prompt_tokens, completion_tokens: (
                          prompt_tokens * 1e-6, completion_tokens * 2e-6)),
    "litellm.integrations": module("litellm.integrations"),
    "litellm.integrations.custom_logger": module("litellm.integrations.custom_logger", CustomLogger=CustomLogger),
})
spec = importlib.util.spec_from_file_location("litellm_costpipe_budget", sys.argv[1])
example = importlib.util.module_from_spec(spec)
spec.loader.exec_module(example)

# a proxy model name, as clients ask for it: COSTPIPE_MODELS may map it to costpipe's
data = {"model": "fast", "user": sys.argv[2], "messages": [{"role": "user", "content": "hi"}],
        "max_tokens": 500}
try:
    forwarded = asyncio.run(example.proxy_handler_instance.async_pre_call_hook(
        types.SimpleNamespace(user_id=None), None, data, "completion"))
    print(json.dumps({"forwarded": forwarded is data}))
except HTTPException as refused:
    print(json.dumps({"status": refused.status_code, "detail": refused.detail}))
