"""The search page's question over HTTP, typed as a person types it: a lot's start, part of a product's and of a
supplier's name, a code's start; a typed % is a percent sign; a text that matches nothing is still a 404."""

from __future__ import annotations

from tests.api.conftest import Api


def test_search_as_typed_over_http(api: Api) -> None:
    pork = api.county.receive(supplier_lot="LY261126-8")
    api.county.receive(supplier_lot="LY271126-1", product="猪肉（后腿）")
    api.catch_up()

    def found(**params: str) -> list[str]:
        answer = api.get("investigator", "/api/v1/search/batches", params=params)
        assert answer.status_code == 200, answer.text
        return [item["code"] for item in answer.json()["items"]]

    assert found(lot="LY2611") == [pork]
    assert found(product="猪肉(前腿", supplier="恒鑫") == [pork]
    assert found(code=pork.replace("-", "")[:5].lower()) == [pork]
    assert found(product="%") == []
    nobody = api.get("investigator", "/api/v1/search/batches", params={"supplier": "无此公司"})
    assert nobody.status_code == 404 and nobody.json()["field"] == "supplier"
