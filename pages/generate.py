"""Generate: sample from the prior, explore around a sentence, reconstruct one, move one towards a label."""

import pandas as pd
import streamlit as st

from ui import cards, figures, latents, state
from vae_core import DecodeConfig, LatentLabError, apply_attribute, attribute_vector, neighbourhood
from vae_core.explore.latent import sample_prior, token_probabilities
from vae_core.measure.roundtrip import REFINED, RERANK, marked_changes, round_trip
from vae_core.model.decoding import STRATEGIES

st.title("Generate")
if not state.require(model=True):
    st.stop()
model = state.current_model().value


def typed_on_the_map(typed: list[tuple[str, str, str]], caption: str, key: str) -> None:
    """The dataset's map with the typed sentences (text, legend label, colour) drawn on it with their posterior
    spread; nothing without a dataset to draw."""
    named_corpus = state.current_corpus()
    if named_corpus is None or len(named_corpus.value) < 5:
        return
    view = latents.path_map()
    fig = figures.map_figure(latents.coordinates(view), named_corpus.value.texts, height=480)
    figures.add_typed_sentences(fig, view, typed)
    st.caption(f"On the dataset's {view.label} map: {caption}")
    st.plotly_chart(fig, key=key)


def decode_settings(key: str, default: str = "sample", known_words_only: bool = False) -> DecodeConfig:
    """The decoding controls, shared by the sections below."""
    c1, c2, c3, c4 = st.columns(4)
    strategy = c1.selectbox(
        "Decoding",
        STRATEGIES,
        index=STRATEGIES.index(default),
        key=f"{key}-strategy",
        help=cards.decoding_help(),
    )
    temperature = c2.slider(
        "Temperature",
        0.1,
        2.0,
        1.0,
        0.1,
        key=f"{key}-t",
        disabled=strategy != "sample",
        help="Below 1: safer words; above 1: more surprising.",
    )
    top_p = c3.slider(
        "Top-p",
        0.1,
        1.0,
        0.9,
        0.05,
        key=f"{key}-p",
        disabled=strategy != "sample",
        help="Sample only from the likeliest words holding this much probability.",
    )
    seed = c4.number_input("Seed", 0, 10**6, 0, key=f"{key}-seed")
    known = st.checkbox("Known words only", known_words_only, key=f"{key}-known", help=cards.KNOWN_WORDS_HELP)
    return DecodeConfig(
        strategy=strategy, temperature=temperature, top_p=top_p, seed=int(seed), unknown_words=not known
    )


tab_prior, tab_near, tab_rec, tab_attr = st.tabs(["From the prior", "Around a sentence", "Reconstruct", "Attributes"])

with tab_prior:
    st.caption("z drawn from N(0, I), the prior, and decoded.")
    # re-ranked and without ▢, its samples read far more fluently (bench/ROUNDTRIP.md)
    config = decode_settings("prior", "rerank", known_words_only=True)
    n = st.slider("How many", 1, 50, 10)
    if st.button("Generate", type="primary"):
        try:
            _, texts = sample_prior(model.model, model.tokenizer, n, config, seed=config.seed)
            st.dataframe(pd.DataFrame({"sample": texts}), hide_index=True)
        except LatentLabError as e:
            st.error(str(e))

with tab_near:
    st.caption("Points drawn around a sentence's code: z = μ + radius·ε. Small radii paraphrase; large ones wander.")
    sentence = st.text_input("Sentence", key="near-sentence")
    radius = st.slider("Radius", 0.0, 3.0, 0.5, 0.1)
    config = decode_settings("near", "rerank")  # its draws keep more of the sentence (bench/ROUNDTRIP.md)
    if st.button("Explore around it"):
        try:
            texts = neighbourhood(model.model, model.tokenizer, sentence, 10, radius, config, seed=config.seed)
            st.dataframe(pd.DataFrame({"neighbour": texts}), hide_index=True)
            typed_on_the_map(
                [(sentence, "your sentence", "#CC79A7")],
                "the sentence at its posterior mean, with draws from q(z|x) and their 2σ ellipse.",
                "near-map",
            )
        except LatentLabError as e:
            st.error(str(e))

with tab_rec:
    st.caption(
        "Encode a sentence to its mean μ, refine that point (below) and decode it: of the greedy sentence and beam "
        "search's ten likeliest, the one whose own encoding lands nearest μ (it keeps more than the greedy decoding "
        "the model card measures). The bars show how sure the decoder is of each word of the original."
    )
    sentence = st.text_input("Sentence", key="rec-sentence")
    refined = st.checkbox(
        "Refine the point first",
        value=True,
        key="rec-refined",
        help=f"The encoder's mean is a one-pass guess. {REFINED.steps} gradient steps move it, within the spread "
        "the encoder itself gives the sentence, to a point the decoder writes the sentence back from: held-out "
        "sentences come back word for word far more often (bench/ROUNDTRIP.md, 'Refining z'). Untick to decode "
        "the mean itself.",
    )
    if st.button("Reconstruct"):
        try:
            trip = round_trip(
                model.model, model.tokenizer, [sentence], decoding=RERANK, refined=REFINED if refined else None
            )
            written, out = trip.inputs[0], trip.outputs[0]
            c1, c2 = st.columns(2)
            c1.text("Input")
            c1.code(sentence, language=None)
            c2.text("Reconstruction")
            c2.code(out, language=None)
            if trip.similarity is not None:
                st.metric(
                    "Meaning kept",
                    f"{trip.similarity[0]:.2f}",
                    help="Cosine similarity of the pretrained sentence encoder's embeddings of the input and its "
                    "reconstruction (1 = the same meaning; unrelated sentences score about 0.1-0.2). A perfect "
                    f"reconstruction, with this vocabulary, scores {trip.similarity_ceiling:.2f}.",
                )
            st.text("Changed words in [brackets]: " + marked_changes(written, out))
            typed_on_the_map(
                [(sentence, "input", "#CC79A7"), (out, "reconstruction", "#009E73")],
                "the input and, encoded again, its reconstruction, each with its posterior spread. Where the two "
                "overlap, the round trip came back to the same place.",
                "rec-map",
            )
            probs = token_probabilities(model.model, model.tokenizer, sentence)
            st.dataframe(
                pd.DataFrame(probs, columns=["piece", "probability"]),
                hide_index=True,
                height=35 * (len(probs) + 1) + 3,  # every piece of a long sentence, none behind a scroll bar
                column_config={"probability": st.column_config.ProgressColumn(min_value=0, max_value=1)},
            )
            unknown = sum(t == "<unk>" for t, _ in probs)
            if unknown:
                st.info(
                    f"{unknown} word(s) are not in the model's vocabulary: the model reads them as <unk> "
                    "(written ▢ in its sentences)."
                )
        except LatentLabError as e:
            st.error(str(e))

with tab_attr:
    named_corpus = state.current_corpus()
    if named_corpus is None or named_corpus.value.labels is None:
        st.info("Attribute arithmetic needs a dataset with labels (choose a label column on the Data page).")
    else:
        st.caption(
            "The mean code of label B minus that of label A, added to a sentence's code with growing strength, "
            "decoded by re-ranking (at the same strength it keeps more of the sentence than greedy decoding)."
        )
        label_sets = named_corpus.value.label_sets
        factor = st.selectbox("Label column", list(label_sets)) if len(label_sets) > 1 else next(iter(label_sets))
        labels = sorted(set(label_sets[factor]))
        c1, c2 = st.columns(2)
        group_a = c1.selectbox("From label A", labels)
        group_b = c2.selectbox("Towards label B", labels, index=min(1, len(labels) - 1))
        sentence = st.text_input("Sentence", key="attr-sentence", value=named_corpus.value.texts[0])
        if st.button("Move it"):
            try:
                mu, _ = latents.latents()
                vector = attribute_vector(mu, label_sets[factor], group_b, group_a)
                steps = apply_attribute(
                    model.model,
                    model.tokenizer,
                    sentence,
                    vector,
                    [0.0, 0.5, 1.0, 1.5, 2.0],
                    DecodeConfig(strategy="rerank"),
                )
                st.dataframe(pd.DataFrame(steps, columns=["strength", "decoded sentence"]), hide_index=True)
            except LatentLabError as e:
                st.error(str(e))

state.warm_up_the_current_encoder()  # on screen: get ready for the first sentence to encode
