"""The API's routes: a plain (``def``) endpoint runs in the thread pool once, with its caller's check.

FastAPI runs a plain endpoint in the thread pool, then sends its answer back to the pool a second time to check it
against the response model. Each trip hands the GIL to a worker thread and back, which under load waits for the
thread that holds it. ``Route`` hands FastAPI a coroutine that runs the endpoint in the pool once; FastAPI then
checks and serialises the answer where it awaits it, on the loop (a few microseconds in pydantic's Rust core).

The caller's check (``Allow``, a plain function: it reads the token from the database) costs a trip of its own.
Where nothing else about the request can refuse it (its other parameters are the app's opened parts and plain
text from the path), the check is made in the endpoint's trip, just before the endpoint: the same refusal, and
nothing has run before it. A card is one trip, not two. The endpoint, its parameters, answer, name and text are
the same, and so is the OpenAPI document.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from typing import Annotated, Any, get_args, get_origin

from fastapi import params
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from api.auth import Allow, AllowWhereEndpointRuns


class Route(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _in_thread_pool(endpoint, _path_names(path)), **kwargs)


def _path_names(path: str) -> frozenset[str]:
    return frozenset(re.findall(r"{(\w+)", path))


def _in_thread_pool(endpoint: Callable[..., Any], path_names: frozenset[str] = frozenset()) -> Callable[..., Any]:
    """``endpoint`` as a coroutine that runs it in the thread pool; a coroutine or a generator as it is."""
    if not inspect.isfunction(endpoint) or inspect.iscoroutinefunction(endpoint):
        return endpoint
    if inspect.isgeneratorfunction(endpoint) or inspect.isasyncgenfunction(endpoint):
        return endpoint
    signature = inspect.signature(endpoint, eval_str=True)
    checked = _check_where_endpoint_runs(signature, path_names)

    async def run(**arguments: Any) -> Any:
        return await run_in_threadpool(_checked_then_run, endpoint, checked, arguments)

    functools.update_wrapper(run, endpoint)
    del run.__wrapped__  # type: ignore[attr-defined]  # FastAPI would unwrap it, find a plain function, and use the pool
    if checked:
        parameter = signature.parameters[checked]
        kind = get_args(parameter.annotation)[0]
        guard = _guard(parameter)
        assert guard is not None
        later = Annotated[kind, params.Depends(AllowWhereEndpointRuns(guard))]  # type: ignore[valid-type]
        signature = signature.replace(
            parameters=[p.replace(annotation=later) if p.name == checked else p for p in signature.parameters.values()]
        )
    run.__signature__ = signature  # type: ignore[attr-defined]  # evaluated in the endpoint's own module
    run.runs = endpoint  # type: ignore[attr-defined]  # the endpoint as written: endpoint_of
    return run


def _checked_then_run(endpoint: Callable[..., Any], checked: str | None, arguments: dict[str, Any]) -> Any:
    if checked is not None:
        arguments[checked] = arguments[checked]()  # the caller's check: refuses before the endpoint runs
    return endpoint(**arguments)


def _check_where_endpoint_runs(signature: inspect.Signature, path_names: frozenset[str]) -> str | None:
    """The parameter whose ``Allow`` check may be made in the endpoint's trip, or None.

    Only when no other parameter can refuse the request (FastAPI checks parameters after dependencies: a query's
    422 would otherwise come before the check's 401): each is an opened part of the app, or plain text from the
    path, which always matches.
    """
    guards = []
    for parameter in signature.parameters.values():
        if _guard(parameter) is not None:
            guards.append(parameter.name)
        elif _never_refuses(parameter):
            continue
        elif not _plain_path_text(parameter, path_names):
            return None
    return guards[0] if len(guards) == 1 else None


def _plain_path_text(parameter: inspect.Parameter, path_names: frozenset[str]) -> bool:
    return parameter.name in path_names and parameter.annotation is str and parameter.default is parameter.empty


def _depends(parameter: inspect.Parameter) -> params.Depends | None:
    if get_origin(parameter.annotation) is not Annotated:
        return None
    return next((m for m in get_args(parameter.annotation)[1:] if isinstance(m, params.Depends)), None)


def _guard(parameter: inspect.Parameter) -> Allow | None:
    depends = _depends(parameter)
    return depends.dependency if depends is not None and type(depends.dependency) is Allow else None


def _never_refuses(parameter: inspect.Parameter) -> bool:
    depends = _depends(parameter)
    return depends is not None and getattr(depends.dependency, "never_refuses", False) is True


def endpoint_of(route: APIRoute) -> Callable[..., Any]:
    """The endpoint as its module wrote it, not the coroutine FastAPI is handed around it."""
    found: Callable[..., Any] = getattr(route.endpoint, "runs", route.endpoint)
    return found
