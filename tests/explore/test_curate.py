"""Curating a selection: tags as a column, and a selection written from its groups toward another."""

import numpy as np
import pytest

from vae_core import InputError, encode
from vae_core.explore.curate import STRENGTHS, UNTAGGED, add_tag, move_toward, tag_column

from ..conftest import MEMORISED


def test_tags_become_a_column_and_a_new_tag_replaces_the_old_one():
    tags = add_tag({}, [0, 2], " keep ")
    tags = add_tag(tags, [2, 3], "odd")
    assert tag_column(5, tags) == ["keep", UNTAGGED, "odd", "odd", UNTAGGED]
    assert tag_column(5, add_tag(tags, [0, 3], "")) == [UNTAGGED, UNTAGGED, "odd", UNTAGGED, UNTAGGED]  # removed
    assert tags == {0: "keep", 2: "odd", 3: "odd"}  # each call returns a new dict
    with pytest.raises(InputError, match="without a tag"):
        add_tag(tags, [1], UNTAGGED)
    with pytest.raises(InputError, match="row 7"):
        tag_column(5, {7: "keep"})


def test_each_sentence_moves_from_its_own_groups_centre_toward_the_targets(memorised, monkeypatch):
    mu, _ = encode(memorised.model, memorised.tokenizer, MEMORISED)
    column = ["a", "b", "a", "b", "c", "c"]
    seen = []
    import vae_core.explore.latent as latent

    real = latent.decode_latents
    monkeypatch.setattr(latent, "decode_latents", lambda m, t, z, c=None: seen.append(z) or real(m, t, z, c))
    variants = move_toward(memorised.model, memorised.tokenizer, mu, [0, 4, 1], column, "b")
    assert [(v.row, v.strength) for v in variants] == [(r, s) for r in (0, 4, 1) for s in STRENGTHS]
    assert all(isinstance(v.sentence, str) and v.sentence for v in variants)
    z, n = seen[0], len(STRENGTHS)
    centre = {g: mu[[i for i, v in enumerate(column) if v == g]].mean(0) for g in "abc"}
    one = STRENGTHS.index(1.0)
    assert np.allclose(z[one], mu[0] + centre["b"] - centre["a"], atol=1e-5)  # from its own group: a
    assert np.allclose(z[n + one], mu[4] + centre["b"] - centre["c"], atol=1e-5)  # from c
    assert np.allclose(z[2 * n :], mu[1], atol=1e-6)  # already in b: stays
    assert {v.sentence for v in variants[2 * n :]} == {MEMORISED[1]}  # and is written back
    one_each = move_toward(memorised.model, memorised.tokenizer, mu, [0], list("abcdef"), "b", strengths=(1.0,))
    assert np.allclose(seen[1][0], mu[1], atol=1e-5)  # groups of one: moved all the way is the target sentence
    assert one_each[0].sentence == MEMORISED[1]
    with pytest.raises(InputError, match="select some sentences"):
        move_toward(memorised.model, memorised.tokenizer, mu, [], column, "b")
    with pytest.raises(InputError, match="select some sentences"):
        move_toward(memorised.model, memorised.tokenizer, mu, [0], column, "z")
    with pytest.raises(InputError, match="5 values for 6"):
        move_toward(memorised.model, memorised.tokenizer, mu, [0], column[:5], "b")
