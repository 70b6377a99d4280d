"""The API's routes: a plain (``def``) endpoint runs in the thread pool, and its answer is checked on the event loop.

FastAPI runs a plain endpoint in the thread pool, then sends its answer back to the pool a second time to check it
against the response model. Each trip hands the GIL to a worker thread and back, which under load waits for the
thread that holds it. ``Route`` hands FastAPI a coroutine that runs the endpoint in the pool once; FastAPI then
checks and serialises the answer where it awaits it, on the loop (a few microseconds in pydantic's Rust core).
The endpoint, its parameters, answer, name and text are the same, and so is the OpenAPI document.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool


class Route(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _in_thread_pool(endpoint), **kwargs)


def _in_thread_pool(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint`` as a coroutine that runs it in the thread pool; a coroutine or a generator as it is."""
    if not inspect.isfunction(endpoint) or inspect.iscoroutinefunction(endpoint):
        return endpoint
    if inspect.isgeneratorfunction(endpoint) or inspect.isasyncgenfunction(endpoint):
        return endpoint

    async def run(**arguments: Any) -> Any:
        return await run_in_threadpool(endpoint, **arguments)

    functools.update_wrapper(run, endpoint)
    del run.__wrapped__  # type: ignore[attr-defined]  # FastAPI would unwrap it, find a plain function, and use the pool
    run.__signature__ = inspect.signature(endpoint, eval_str=True)  # type: ignore[attr-defined]  # in its own module
    run.runs = endpoint  # type: ignore[attr-defined]  # the endpoint as written: endpoint_of
    return run


def endpoint_of(route: APIRoute) -> Callable[..., Any]:
    """The endpoint as its module wrote it, not the coroutine FastAPI is handed around it."""
    found: Callable[..., Any] = getattr(route.endpoint, "runs", route.endpoint)
    return found
