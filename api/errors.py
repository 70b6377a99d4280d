"""One error format for every response: RFC 9457 problem+json with a stable code and Chinese and English text.

Domain error codes map to HTTP statuses here and nowhere else.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.database import DatabaseUnavailable
from domain.errors import DomainError
from labels.payload import InvalidPayload

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_SECONDS = 5  # what a 503 asks the caller to wait while the database is away
log = logging.getLogger("foodtrace.api")

STATUS_OF_CODE = {
    "invalid_input": 422,
    "rule_violation": 422,
    "invalid_label": 422,
    "not_found": 404,
    "already_exists": 409,
    "conflict": 409,
    "idempotency_key_reused": 409,
    "profile_too_loose": 422,
}


class Problem(BaseModel):
    """RFC 9457 problem details, with FoodTrace's stable code and both languages."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    zh: str
    en: str
    field: str | None = None
    details: dict[str, Any] | None = None


class ApiError(DomainError):
    """An error the API itself raises (authentication, permissions, uploads): a domain error's code and both
    languages, with the HTTP status it answers with."""

    def __init__(self, status: int, code: str, zh: str, en: str, field: str | None = None, **details: Any) -> None:
        super().__init__(zh, en, **details)
        self.status = status
        self.code = code
        self.field = field


def problem(
    status: int, code: str, zh: str, en: str, field: str | None = None, details: dict[str, Any] | None = None
) -> JSONResponse:
    body = Problem(
        type=f"https://foodtrace.invalid/problems/{code}",
        title=code.replace("_", " "),
        status=status,
        detail=f"{en} / {zh}",
        code=code,
        zh=zh,
        en=en,
        field=field,
        details=details or None,
    )
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if status == 503:
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> JSONResponse:
        details = {k: v for k, v in error.details.items() if k != "field"}
        return problem(
            STATUS_OF_CODE.get(error.code, 422),
            error.code,
            error.zh,
            error.en,
            field=error.details.get("field"),
            details=details,
        )

    @app.exception_handler(InvalidPayload)
    async def invalid_label(request: Request, error: InvalidPayload) -> JSONResponse:
        return problem(422, error.code, error.zh, error.en, "payload")

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        response = problem(error.status, error.code, error.zh, error.en, field=error.field, details=error.details)
        if "retry_after" in error.details:
            response.headers["Retry-After"] = str(error.details["retry_after"])
        return response

    @app.exception_handler(DatabaseUnavailable)
    async def database_unavailable(request: Request, error: DatabaseUnavailable) -> JSONResponse:
        log.warning("database unavailable: %s", error)
        return problem(
            503,
            "database_unavailable",
            "数据库暂不可用，请稍后重试",
            "the database is unavailable; please retry shortly",
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": "invalid request"}
        field = ".".join(str(part) for part in first.get("loc", ())[1:]) or None
        message = str(first.get("msg", "invalid value"))
        errors = [
            {"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "message": str(e.get("msg", ""))}
            for e in error.errors()
        ]
        return problem(
            422,
            "invalid_input",
            f"填写有误：{field or '请求'}（{message}）",
            f"{field or 'request'}: {message}",
            field=field,
            details={"errors": errors},
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        texts = {
            400: ("bad_request", "请求内容无法读取", "the request body could not be read"),
            404: ("not_found", "找不到该页面或记录", "not found"),
            405: ("method_not_allowed", "不支持该操作", "method not allowed"),
        }
        code, zh, en = texts.get(error.status_code, ("http_error", "请求错误", str(error.detail)))
        response = problem(error.status_code, code, zh, en)
        response.headers.update(error.headers or {})  # e.g. Allow on a 405
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error", extra={"request_id": getattr(request.state, "request_id", "")})
        return problem(
            500,
            "internal_error",
            "系统内部错误，请稍后重试或联系管理员",
            "internal error; please retry or call support",
        )
