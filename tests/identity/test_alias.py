"""GNode alias rules: structure, universes, and precise errors (with hypothesis)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from gridworks.identity import MAX_ALIAS_LENGTH, AliasError, GNodeAlias, Universe

roots = st.one_of(
    st.just("w"),
    st.from_regex(r"d[a-z0-9]{1,6}", fullmatch=True),
    st.from_regex(r"h[a-z0-9]{1,6}", fullmatch=True),
)
words = st.from_regex(r"[a-z0-9]{1,10}", fullmatch=True)
valid_aliases = st.builds(
    lambda root, rest: ".".join([root, *rest]), roots, st.lists(words, max_size=5)
)


@given(valid_aliases)
def test_generated_valid_aliases_are_accepted(text: str) -> None:
    alias = GNodeAlias(text)
    assert alias == text
    assert ".".join(alias.words) == text
    assert alias.root == alias.words[0]
    assert alias.is_root == (len(alias.words) == 1)
    if alias.parent is not None:
        assert alias.parent.child(alias.last_word) == alias


@given(valid_aliases, st.data())
def test_uppercase_is_rejected(text: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(text)))
    upper = data.draw(st.characters(min_codepoint=ord("A"), max_codepoint=ord("Z")))
    with pytest.raises(AliasError, match="uppercase"):
        GNodeAlias(text[:position] + upper + text[position:])


@given(valid_aliases, st.data())
def test_invalid_characters_are_rejected(text: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(text)))
    bad = data.draw(st.sampled_from(list("-_ /!@#$%*+,:;é\t\n")))
    with pytest.raises(AliasError, match="invalid character"):
        GNodeAlias(text[:position] + bad + text[position:])


@given(valid_aliases, st.data())
def test_empty_words_are_rejected(text: str, data: st.DataObject) -> None:
    dots = [i for i, char in enumerate(text) if char == "."]
    where = data.draw(st.sampled_from(["start", "end", *(["double"] if dots else [])]))
    if where == "start":
        mutated = "." + text
    elif where == "end":
        mutated = text + "."
    else:
        i = data.draw(st.sampled_from(dots))
        mutated = text[:i] + "." + text[i:]
    with pytest.raises(AliasError, match="empty word"):
        GNodeAlias(mutated)


@pytest.mark.parametrize(
    ("text", "universe"),
    [
        ("d1", Universe.DEV),
        ("dw1.isone", Universe.DEV),
        ("hw1.a", Universe.HYBRID),
        ("w", Universe.PRODUCTION),
    ],
)
def test_universe_comes_from_the_root(text: str, universe: Universe) -> None:
    assert GNodeAlias(text).universe is universe


def test_structure() -> None:
    alias = GNodeAlias("d1.isone.ver.keene.holly.ta")
    assert alias.words == ("d1", "isone", "ver", "keene", "holly", "ta")
    assert alias.root == "d1"
    assert alias.parent == "d1.isone.ver.keene.holly"
    assert isinstance(alias.parent, GNodeAlias)
    assert not alias.is_root
    assert GNodeAlias("d1").parent is None
    assert GNodeAlias("d1").is_root
    assert GNodeAlias("w.isone.2x").parent == "w.isone"  # later words may start with a digit


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("d1..a", "empty word"),
        ("d1.Isone", "uppercase 'I'"),
        ("d1.is-one", "invalid character '-'"),
        ("1d.a", "starts with digit"),
        ("x1.a", "bad root 'x1'"),
        ("d.a", "bad root 'd'"),
        ("w1.a", "bad root 'w1'"),
        ("ww", "bad root"),
        ("d1." + "a" * MAX_ALIAS_LENGTH, "limit is 63"),
    ],
)
def test_errors_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(AliasError, match=message):
        GNodeAlias(text)


def test_length_bound_is_inclusive() -> None:
    text = "d1." + "a" * (MAX_ALIAS_LENGTH - 3)
    assert len(GNodeAlias(text)) == MAX_ALIAS_LENGTH
    with pytest.raises(AliasError):
        GNodeAlias(text + "a")


def test_non_string_is_rejected() -> None:
    with pytest.raises(AliasError, match="must be a string"):
        GNodeAlias(5)  # type: ignore[arg-type]


class _Holder(BaseModel):
    alias: GNodeAlias


def test_pydantic_field_validates_and_serializes_as_a_string() -> None:
    holder = _Holder.model_validate_json('{"alias": "d1.isone"}')
    assert isinstance(holder.alias, GNodeAlias)
    assert holder.model_dump_json() == '{"alias":"d1.isone"}'
    with pytest.raises(ValidationError, match="bad root"):
        _Holder(alias="q.isone")  # type: ignore[arg-type]
