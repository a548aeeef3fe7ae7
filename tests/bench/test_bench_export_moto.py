"""The export benchmark's shortcut through moto's projection must answer what moto itself answers."""

from __future__ import annotations

from moto.dynamodb.models.dynamo_type import DynamoType, Item

from chalicelib.store import keys


def _item() -> Item:
    return Item(
        DynamoType({"S": "chat-1"}),
        DynamoType({"S": keys.message_sort_key(1)}),
        {
            "conversation_id": {"S": "chat-1"},
            "sort_key": {"S": keys.message_sort_key(1)},
            "seq": {"N": "1"},
            "text": {"S": "=SUM(A1) 안녕하세요 😀"},
            "sender_role": {"S": "customer"},
            "masks": {"L": [{"M": {"start": {"N": "0"}, "end": {"N": "3"}}}]},
            "flags": {"SS": ["a", "b"]},
        },
    )


def _attributes(item: Item) -> dict:
    """The item's attributes, string sets sorted: moto's own projection rebuilds sets in hash order."""
    attributes = item.to_json()["Attributes"]
    return {name: {"SS": sorted(value["SS"])} if "SS" in value else value for name, value in attributes.items()}


def test_top_level_projection_equals_motos(monkeypatch):
    from bench import export

    paths = [["conversation_id"], ["seq"], ["text"], ["sender_name"], ["masks"], ["flags"]]
    nested = [["masks", "[0]"], ["seq"]]
    expected = {str(p): _attributes(_item().project(p)) for p in (paths, nested)}
    monkeypatch.setattr(Item, "project", Item.project)  # undone after the test
    export._top_level_projection_for_moto()
    projected = _item().project(paths)
    assert _attributes(projected) == expected[str(paths)]
    assert "sender_name" not in projected.attrs  # absent names stay absent
    assert _attributes(_item().project(nested)) == expected[str(nested)]
