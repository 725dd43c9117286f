"""A LiteLLM proxy pre-call hook that refuses a call once a costpipe budget is spent (docs/budgets.md).

LiteLLM proxy config.yaml:

    litellm_settings:
      callbacks: litellm_costpipe_budget.proxy_handler_instance

Environment: COSTPIPE_URL (default http://costpipe-run-budgets.costpipe.svc), COSTPIPE_TOKEN (a bearer token of
costpipe.http.tokens-file: deploy/k8s requires one, a token of the Secret costpipe-run-tokens), COSTPIPE_TIMEOUT_S
(default 0.25). costpipe down, slow or answering 503: the call goes through (fail open) and the alerts still follow.
A token refused (401, 403) fails open too, with a warning logged on every call: budgets are then not enforced.

The check names the call's user and, by default, no model: the hook runs before LiteLLM picks a deployment, and
data["model"] is the name the client asked for (often an alias such as "my-gpt4"), not the model costpipe prices,
so a rule filtered by model would silently not apply. COSTPIPE_MODELS, a JSON object mapping the proxy's model names
to costpipe's ({"my-gpt4": "gpt-4o"}), names the model for the names it lists: rules on those models then apply.

Try the check alone, without LiteLLM:  python3 litellm_costpipe_budget.py USER_ID [ESTIMATED_COST_USD]
"""
import asyncio
import json
import logging
import os
import sys
import urllib.error
import urllib.request

try:
    from fastapi import HTTPException
    from litellm.integrations.custom_logger import CustomLogger
except ImportError:  # the check alone (see above)
    CustomLogger = object
    HTTPException = None

URL = os.environ.get("COSTPIPE_URL", "http://costpipe-run-budgets.costpipe.svc").rstrip("/")
TOKEN = os.environ.get("COSTPIPE_TOKEN")
TIMEOUT_S = float(os.environ.get("COSTPIPE_TIMEOUT_S", "0.25"))
LOG = logging.getLogger("litellm_costpipe_budget")
MODELS = json.loads(os.environ.get("COSTPIPE_MODELS") or "{}")


def check(call, url=URL, token=TOKEN, timeout=TIMEOUT_S):
    """costpipe's decision on a call ({"user_id": ..., "estimated_cost_usd": ...}); None when it cannot tell."""
    request = urllib.request.Request(url + "/v1/budgets/check", data=json.dumps(call).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as e:
        if e.code in (401, 403):  # a misconfiguration, not an outage: say so, as failing open hides it
            LOG.warning("costpipe refused the token (HTTP %s): set COSTPIPE_TOKEN to a token of its tokens file;"
                        " budgets are not enforced meanwhile", e.code)
        return None  # 503 (restoring, rebalancing), 401: fail open
    except (urllib.error.URLError, OSError, ValueError):
        return None  # timeout, connection refused, not JSON: fail open


def estimate_usd(model, data):
    """The call's cost if it used its whole max_tokens: the prompt counted, the output at its cap."""
    try:
        import litellm
        prompt = litellm.token_counter(model=model, messages=data.get("messages", []))
        completion = int(data.get("max_tokens") or data.get("max_completion_tokens") or 0)
        input_cost, output_cost = litellm.cost_per_token(model=model, prompt_tokens=prompt,
                                                         completion_tokens=completion)
        return str(input_cost + output_cost)
    except Exception:  # a model LiteLLM cannot price: the budgets' own spend still decides
        return "0"


class CostpipeBudgets(CustomLogger):
    async def async_pre_call_hook(self, user_api_key_dict, cache, data, call_type):
        user = data.get("user") or getattr(user_api_key_dict, "user_id", None)
        if not user:
            return data
        model = MODELS.get(data.get("model"))  # costpipe's name for it, when the operator mapped it
        call = {"user_id": user, "estimated_cost_usd": estimate_usd(model or data.get("model"), data)}
        if model:
            call["model"] = model
        decision = await asyncio.to_thread(check, call)
        if decision is not None and not decision["allowed"]:
            raise HTTPException(status_code=429, detail={
                "error": "budget exhausted: " + ", ".join(decision["denied_by"]),
                "remaining_usd": decision.get("remaining_usd")})
        return data


proxy_handler_instance = CostpipeBudgets()

if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    decision = check({"user_id": sys.argv[1], "estimated_cost_usd": sys.argv[2] if len(sys.argv) > 2 else "0"})
    print(json.dumps(decision, indent=2) if decision is not None else "costpipe did not answer: allow (fail open)")
    sys.exit(0 if decision is None or decision["allowed"] else 1)
