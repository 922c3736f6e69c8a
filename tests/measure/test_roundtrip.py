"""The round trip sentence -> z -> sentence: exact match, chrF, meaning kept and label agreement."""

import numpy as np
import pandas as pd
import pytest

from vae_core.cli import main
from vae_core.measure import roundtrip

from ..conftest import MEMORISED


def test_a_memorised_model_gives_every_sentence_back(memorised):
    result = roundtrip.round_trip(memorised.model, memorised.tokenizer, MEMORISED)
    assert result.exact.all() and result.outputs == result.inputs
    assert np.allclose(result.chrf, 100.0)
    assert result.similarity.min() > 0.99 and result.similarity_random < 0.5  # random pairs say what 1.0 means


def test_every_figure_is_measured_against_the_text_as_the_file_has_it(memorised):
    """The best a model can write ("The CAT" lower-cased, "zebra" unknown) is its ceiling, not the yardstick: inputs
    are shown and scored byte for byte as the user wrote them."""
    texts = ["The CAT sat on the mat .", "the cat sat on the zebra ."]
    assert roundtrip.as_written(memorised.tokenizer, texts) == ["the cat sat on the mat .", "the cat sat on the ▢ ."]
    result = roundtrip.round_trip(memorised.model, memorised.tokenizer, texts, similarity=False)
    assert result.inputs == texts and not result.exact.any() and (result.chrf < 100).all()


def test_a_word_outside_the_vocabulary_caps_what_a_round_trip_can_keep(memorised):
    """A perfect model writes "zebra" back as ▢: the ceiling says what a perfect round trip scores."""
    texts = [*MEMORISED[:3], "the cat sat on the zebra ."]
    assert list(roundtrip.has_unknown(memorised.tokenizer, texts)) == [False, False, False, True]
    summary = roundtrip.round_trip(memorised.model, memorised.tokenizer, texts).summary()
    assert summary["roundtrip_unknown"] == 0.25
    assert summary["roundtrip_similarity_random"] < summary["roundtrip_similarity_ceiling"] < 1.0


def test_chrf_comes_from_sacrebleu():
    scores = roundtrip.chrf_scores(["the cat sat .", "a dog ran ."], ["the cat sat .", "the cat sat ."])
    assert scores[0] == pytest.approx(100.0) and 0 < scores[1] < 50


def test_the_label_judge_measures_agreement(memorised):
    texts = ["the food was great", "lovely service and great food", "the food was awful", "awful rude service"]
    judge = roundtrip.LabelJudge(texts * 3, ["pos", "pos", "neg", "neg"] * 3)
    assert list(judge.predict(["great food", "awful food"])) == ["pos", "neg"]
    result = roundtrip.round_trip(
        memorised.model, memorised.tokenizer, texts, labels=["pos", "pos", "neg", "neg"], judge=judge
    )
    assert result.judge_accuracy == 1.0
    expected = judge.predict(texts) == judge.predict(result.outputs)
    assert (result.same_label == expected).all()


def test_summary_and_meaning_rule():
    good = {"roundtrip_similarity": 0.9, "roundtrip_label_agreement": 0.95}
    assert roundtrip.meaning_kept(good) is True
    assert roundtrip.meaning_kept({**good, "roundtrip_similarity": 0.3}) is False
    assert roundtrip.meaning_kept({"roundtrip_exact": 0.1}) is None


def test_fit_reports_the_round_trip(trained):
    m = trained.metrics
    for key in ("roundtrip_exact", "roundtrip_chrf", "roundtrip_similarity", "roundtrip_label_agreement"):
        assert key in m and np.isfinite(m[key]), key
    assert 0 <= m["roundtrip_exact"] <= 1 and len(m["roundtrip_examples"]) == 5
    assert {"input", "output", "exact", "chrf", "similarity"} <= set(m["roundtrip_examples"][0])


def test_cli_reconstruct_writes_a_row_per_sentence(trained, topic_file, tmp_path, capsys):
    from vae_core import save_bundle

    bundle = save_bundle(trained, tmp_path / "m")
    out = tmp_path / "rows.csv"
    code = main(["reconstruct", str(bundle), str(topic_file), "--label-column", "label", "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 0 and len(err) == 1 and "exact" in err[0] and "similarity" in err[0] and "same label" in err[0]
    rows = pd.read_csv(out)
    assert list(rows.columns) == ["input", "output", "exact", "chrf", "unknown_word", "similarity", "same_label"]
    assert len(rows) == len(pd.read_csv(topic_file, sep="\t"))


def test_cli_reconstruct_decodes_by_the_strategy_asked_for(trained, topic_file, tmp_path, capsys):
    """--strategy rerank writes what Generate -> Reconstruct would: the library's re-ranked round trip."""
    from vae_core import CorpusOptions, load_corpus, save_bundle

    bundle, out = save_bundle(trained, tmp_path / "m"), tmp_path / "rows.csv"
    assert main(["reconstruct", str(bundle), str(topic_file), "--strategy", "rerank", "--out", str(out)]) == 0
    assert "(rerank)" in capsys.readouterr().err
    texts = load_corpus(topic_file, CorpusOptions(max_tokens=None, val_fraction=0.0)).texts  # as the CLI reads it
    expected = roundtrip.round_trip(trained.model, trained.tokenizer, texts, decoding=roundtrip.RERANK)
    assert pd.read_csv(out, keep_default_na=False)["output"].tolist() == expected.outputs


def test_cli_evaluate_includes_the_round_trip(trained, topic_file, tmp_path, capsys):
    import json

    from vae_core import save_bundle

    bundle = save_bundle(trained, tmp_path / "m")
    assert main(["evaluate", str(bundle), str(topic_file), "--iw-samples", "2"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert 0 <= metrics["roundtrip_exact"] <= 1 and "roundtrip_similarity" in metrics


def test_changed_words_are_marked():
    marked = roundtrip.marked_changes
    assert marked("the staff is rude .", "the staff is very friendly .") == "the staff is [very friendly] ."
    assert marked("a b c", "a c") == "a [–] c"
    assert marked("same words", "same words") == "same words"


def test_advice_never_names_a_setting_the_model_already_uses():
    assert roundtrip.what_to_try({"encoder": "rnn", "bn_gamma": 0.7}) == [
        "the hybrid encoder",
        "a larger BN-VAE γ (2 or more)",
        "more epochs",
    ]
    assert roundtrip.what_to_try({"encoder": "hybrid", "bn_gamma": 2.0}) == ["more epochs"]
    assert "the hybrid encoder" not in roundtrip.what_to_try({"encoder": "hybrid", "bn_gamma": 0.0})


def test_the_base_model_and_its_adaptations_are_advised_to_adapt_not_to_change_settings():
    base = {"encoder": "rnn", "bn_gamma": 1.5}  # settings a model from scratch would be told to change
    assert roundtrip.what_to_try(base, {"general_english": True}) == ["adapting it to your dataset (Train)"]
    assert roundtrip.what_to_try(base, {"adapted_from": "base"}) == ["adapting it for more epochs"]
    assert "the hybrid encoder" in roundtrip.what_to_try(base, {"corpus": "mine.tsv"})
