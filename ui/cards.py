"""A model's card, the same on Train, Models and Learn: its figures (likelihood, what z carries) and what comes back
when a sentence goes through z (the round trip), with a warning when the model keeps the sentence pattern but not its
meaning; and the smaller cards of a map spot and of a label on the map."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import streamlit as st

import vae_core  # its torch-backed modules load on first use: Explore's first map needs none of them

if TYPE_CHECKING:
    from vae_core.explore.inverse import Reading
    from vae_core.measure.compare import LabelOnMap


FIGURES = [  # (label, metrics key, format, help): the model's own numbers, on held-out sentences
    (
        "IW-NLL",
        "nll_iw",
        "{:.2f}",
        "−log p(x), importance-weighted (nats per sentence): lower is a better language model.",
    ),
    ("Perplexity", "ppl", "{:.1f}", "e to the IW-NLL per token."),
    ("KL", "kl", "{:.2f}", "KL(q(z|x) ‖ p(z)), nats per sentence: how much each sentence's z carries."),
    ("MI", "mi", "{:.2f}", "Mutual information of x and z (nats): how much z tells sentences apart."),
    ("Active units", "active_units", "{}", "Latent dimensions whose mean moves with the sentence (Burda et al.)."),
    ("Token acc.", "rec_accuracy", "{:.0%}", "Words the decoder gets right from z, teacher-forced."),
]


def model_figures(metrics: dict, latent_dim: int) -> None:
    """The model's figures in one row, and a warning when it has collapsed."""
    for col, (label, key, fmt, help_text) in zip(st.columns(len(FIGURES)), FIGURES):
        value = metrics.get(key)
        shown = "–" if value is None else fmt.format(value)
        col.metric(
            label, f"{shown}/{latent_dim}" if key == "active_units" and value is not None else shown, help=help_text
        )
    kl, units = metrics.get("kl"), metrics.get("active_units")
    if kl is not None and units is not None and vae_core.measure.metrics.collapsed(kl, units):
        st.warning(
            "This model collapsed (no active units or KL near 0): its map will not mean much. Its likelihood "
            "(IW-NLL) can still look as good as a healthy model's, or better: a decoder that ignores z is a fine "
            "language model on its own, and a likelihood scores how probable the sentences are, not whether z "
            "writes each one back. The round trip does: read it below."
        )


def encoder_description(model: dict) -> str:
    """What the encoder of a model with saved settings `model` (config.json's "model") reads a sentence with, in a
    sentence for the Learn page."""
    kind, name = model.get("encoder", "rnn"), model.get("pretrained_name", "all-MiniLM-L6-v2")
    if not model:
        return "Load a model to read what its encoder is (Train or Models)."
    if kind == "pretrained":
        return f"This model's encoder is a pretrained sentence encoder ({name}) with a small head that gives q(z|x)."
    if kind == "hybrid":
        return (
            "This model's encoder reads each sentence twice: a recurrent network learnt from its sentences follows "
            f"the wording, and a pretrained sentence encoder ({name}) brings what it knows of meaning (the **Compare** "
            "page sets the two spaces side by side)."
        )
    text = "This model's encoder is a bidirectional recurrent network (GRU) over the sentence's words."
    if model.get("meaning_dim"):
        text += (
            f" The last {model['meaning_dim']} of z's {model.get('latent_dim')} dimensions are its **meaning part**: "
            "read from the network's states averaged over the sentence and taught, while it was pretrained, what "
            "all-MiniLM-L6-v2 makes of the sentence, while the rest of z keeps the wording; neighbours and maps "
            "measure the two side by side."
        )
    return text


def what_z_keeps(metrics: dict) -> str | None:
    """What z can keep of a sentence, in the model's own card figures: its budget (the KL, in nats) against what a
    word piece costs to write (the held-out IW-NLL over the pieces), so how long a sentence can come back word for
    word, and what the round trip keeps of wording and of meaning. None where the card lacks the figures."""
    kl, nll, n, pieces = (metrics.get(k) for k in ("kl", "nll_iw", "n_sentences", "n_tokens"))
    if not (kl and nll and n and pieces):
        return None
    per_piece, mean_pieces = nll * n / pieces, pieces / n
    text = (
        f"**What z keeps.** A word piece costs this model about **{per_piece:.1f} nats** to write (its held-out "
        f"likelihood), and z carries at most **{kl:.0f}**: enough for about **{kl / per_piece:.0f} pieces** word for "
        f"word, where its held-out sentences have {mean_pieces:.0f} on average. A longer sentence cannot come back "
        "whole through z: what is kept of it is what the training asked z to keep first."
    )
    exact, chrf, similarity = (metrics.get(k) for k in ("roundtrip_exact", "roundtrip_chrf", "roundtrip_similarity"))
    if exact is not None and similarity is not None:
        text += (
            f" Of its held-out sentences, {exact:.0%} come back word for word (chrF {chrf:.0f}: the wording kept), "
            f"and the meaning kept is {similarity:.2f} (all-MiniLM-L6-v2's cosine of input and output; an unrelated "
            f"pair scores {metrics.get('roundtrip_similarity_random', 0.0):.2f})."
        )
    return text


def model_card(metrics: dict, model: dict, info: dict, examples_folded: bool = False) -> None:
    """A model's card: its figures, then its round trip. `model` and `info` are its saved settings and where it came
    from (config.json's "model" and "info")."""
    model_figures(metrics, int(model.get("latent_dim") or 0))
    st.caption(
        "The round trip: sentence → z → sentence, on held-out sentences, decoded greedily from the encoder's mean (the "
        "fixed measure every model is compared by). Generate → Reconstruct first refines each point and re-ranks the "
        "decoder's candidates, which brings more back."
    )
    round_trip_section(metrics, model, info, examples_folded)


def round_trip_section(metrics: dict, model: dict, info: dict, examples_folded: bool = False) -> None:
    """What comes back when a sentence goes through z: the figures, five sentences beside their reconstructions
    (changed words in [brackets]; folded away on a model card), and a warning when the model keeps the pattern but
    not the meaning, naming only settings the model does not already use."""
    if "roundtrip_exact" not in metrics:
        st.caption("No round-trip figures: this model was measured before they existed.")
        return
    ceiling, unknown = metrics.get("roundtrip_similarity_ceiling"), metrics.get("roundtrip_unknown", 0.0)
    cols = st.columns(4)
    cols[0].metric("Came back exactly", f"{metrics['roundtrip_exact']:.0%}", help=roundtrip_help["exact"])
    cols[1].metric("chrF", f"{metrics['roundtrip_chrf']:.0f}", help=roundtrip_help["chrf"])
    if "roundtrip_similarity" in metrics:
        random_pairs = metrics.get("roundtrip_similarity_random")
        cols[2].metric(
            "Meaning kept",
            f"{metrics['roundtrip_similarity']:.2f}",
            help=roundtrip_help["similarity"]
            + (f" Random pairs score {random_pairs:.2f}." if random_pairs else "")
            + (f" A perfect round trip scores {ceiling:.2f} here." if ceiling else ""),
        )
    if "roundtrip_label_agreement" in metrics:
        cols[3].metric("Same label", f"{metrics['roundtrip_label_agreement']:.0%}", help=roundtrip_help["label"])
    if unknown > 0:
        st.caption(
            f"{unknown:.0%} of these sentences hold a word outside the model's vocabulary: it comes back as ▢ however "
            "good the model"
            + (f", so even a perfect round trip scores {ceiling:.2f} on meaning kept." if ceiling else ".")
        )
    examples = metrics.get("roundtrip_examples") or []
    if examples:
        rows = [
            {"input": e["input"], "reconstruction": vae_core.measure.roundtrip.marked_changes(e["input"], e["output"])}
            for e in examples
        ]
        with st.expander("Five held-out sentences and what came back", expanded=not examples_folded):
            st.caption("Changed words are in [brackets]; [–] marks words left out.")
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if vae_core.measure.roundtrip.meaning_kept(metrics) is False:
        st.warning(
            "This model keeps the sentence pattern but not its meaning: reconstructions change what a sentence says, "
            "so neighbours and interpolations will follow form rather than content. Try "
            + " or ".join(vae_core.measure.roundtrip.what_to_try(model, info))
            + ". These figures decode greedily from the mean; Generate → Reconstruct refines the point and re-ranks "
            "the decoder's candidates by where they encode, which keeps more."
            + (
                " Part of the loss is the vocabulary's, not the model's: many of these sentences hold words it "
                "lacks, which come back as ▢ whatever the model."
                if unknown >= UNKNOWN_MANY
                else ""
            )
        )


UNKNOWN_MANY = 0.3  # a share of sentences with an unknown word above which the vocabulary is named as a cause


def decoding_help() -> str:
    """The help of a decoding chooser: each strategy and what it is for."""
    return "  \n".join(f"**{name}**: {note}" for name, note in vae_core.model.decoding.STRATEGY_NOTES.items())


KNOWN_WORDS_HELP = (
    "▢ marks a word outside the model's vocabulary. On: the decoder writes its likeliest known word instead, so "
    "every output reads as a sentence — but where a name stood it puts a word of its own."
)

roundtrip_help = {
    "exact": "Share of held-out sentences that come back word for word (greedy decoding from the posterior mean).",
    "chrf": "Character n-gram overlap of reconstruction and input (sacrebleu's chrF, 0-100).",
    "similarity": "Cosine similarity of the pretrained sentence encoder's embeddings of input and reconstruction.",
    "label": "How often a TF-IDF classifier of the labels gives the reconstruction the same label as the input.",
}


def spot_reading(reading: Reading, exact: bool) -> None:
    """What the decoder writes at a clicked spot of the map, and how far to trust it: where the sentence's own
    encoding lands (drift) and how far the spot is from any sentence of the corpus (gap)."""
    st.subheader("Decoded at the clicked spot")
    st.text(reading.sentence or "(an empty sentence)")
    st.caption("Nearby, drawn from the posterior spread of the sentences around the spot:")
    st.text("\n".join(reading.samples))
    how = (
        "PCA is inverted exactly: the spot's point on the PCA plane, the other directions at the corpus mean. "
        if exact
        else "UMAP has no exact inverse: the vector behind the spot is a weighted mean of its nearest sentences'. "
    )
    if not np.isfinite(reading.drift):
        st.caption(how + "The decoder wrote nothing here, so there is nothing to place back on the map.")
        return
    trust = "the map, decoder and encoder agree about this spot" if reading.drift < 0.05 else "read it with care"
    st.caption(
        how + f"The sentence's own encoding lands {reading.drift:.0%} of the map's diagonal from the spot "
        f"(the dotted line): {trust}."
    )
    if reading.gap > 0.05:
        st.warning(
            f"No sentence of the corpus lies within {reading.gap:.0%} of the map's diagonal: "
            "the decoder is writing from a region it has seen little of."
        )


def label_kept_on_map(kept: LabelOnMap, label: str, latent_dim: int, n_points: int) -> None:
    """Under a map coloured by `label`: how much of it the map's neighbourhoods keep, beside the full latent space's
    (a flat map of a 32-D space keeps less, and a mixed-looking map should not be read as a space that mixes)."""
    sampled = f", over {kept.sentences:,} sentences drawn at random." if kept.sentences < n_points else "."
    loses = " The flat map loses part of what the space keeps: the neighbours below are measured in the full space."
    st.text(
        f"Coloured by {label}: {kept.on_map:.0%} of sentences share the {label} of most of their 10 nearest "
        f"neighbours on this map, {kept.in_space:.0%} in the full {latent_dim}-D latent space (always guessing the "
        f"commonest: {kept.chance:.0%}){sampled}{loses if kept.in_space - kept.on_map >= 0.1 else ''}"
    )
