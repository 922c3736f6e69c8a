"""Learn: what the app does, how a sentence VAE works, and the current dataset and model at a glance."""

import math

import pandas as pd
import streamlit as st

import vae_core  # its torch-backed modules load on first use: the text above them shows at once
from ui import cards, decoded, latents, replay_view, state, training
from ui.figures import tradeoff_figure
from vae_core.errors import LatentLabError

COLLAPSE = state.ROOT / "assets" / "collapse_replay"  # a no-defence training of the demo corpus, replayed
TRADEOFF = state.ROOT / "assets" / "tradeoff.json"  # four short trainings of the demo corpus at different γ

st.title("Latent Lab")
st.markdown(
    "Look inside the latent space of a **sentence VAE** (Bowman et al. 2016). Every sentence becomes a point "
    "in a space of a few dozen dimensions; similar sentences land near each other, and any point decodes back "
    "to a sentence."
)

st.subheader("Start here")
st.markdown(
    "1. **Data**: upload sentences (.txt, .csv, .tsv, .jsonl, .parquet) or use the demo corpus.\n"
    "2. **Train**: train a model in the background and watch it learn, or load one on **Models**.\n"
    "3. **Explore**: the map of every sentence's latent vector; select, search, find neighbours, clusters.\n"
    "4. **Interpolate**: walk from one sentence to another through the latent space.\n"
    "5. **Generate**: sample new sentences, reconstruct yours, move a sentence towards a label."
)

st.subheader("How a sentence VAE works")
st.graphviz_chart(
    """
digraph vae {
  rankdir=LR; node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname="Helvetica"];
  x [label="sentence x\\n'the cat sat'"]; enc [label="encoder\\n(bidirectional GRU)"];
  q [label="q(z|x) = N(μ, σ²)"]; z [label="z = μ + σ·ε\\nε ~ N(0, I)", fillcolor="#fff4d6"];
  dec [label="decoder\\n(GRU, fed z at every word)"]; xh [label="sentence x̂"];
  prior [label="prior N(0, I)", fillcolor="#f3f3f3"];
  x -> enc -> q -> z -> dec -> xh; prior -> q [style=dashed, label="KL", dir=none];
}
"""
)
col1, col2 = st.columns(2)
with col1:
    st.markdown(
        "**The encoder** reads the sentence and outputs a Gaussian q(z|x): a mean μ (the sentence's point on "
        f"the map) and a spread σ. {cards.encoder_description(state.current_model_settings())}\n\n"
        "**Reparameterisation**: z = μ + σ·ε with random ε, so training can pass gradients through the "
        "sampling.\n\n"
        "**The decoder** writes the sentence back, one word at a time, looking at z at every step."
    )
with col2:
    st.markdown(
        "**Training maximises the ELBO** = reconstruction − KL:\n"
        "- *reconstruction*: how well the decoder rewrites x from z (log-probability of its words);\n"
        "- *KL*: how far q(z|x) is from the prior N(0, I), the price of the information z carries."
    )
st.subheader("Posterior collapse, and what helps")
st.markdown(
    "A strong decoder can ignore z and write plausible sentences on its own: the KL falls to 0, every z decodes "
    "to the same sentence, and the map means nothing. This is **posterior collapse**. The defaults fight it:\n"
    "- **KL annealing** (β schedule): the KL weight β starts at 0 and rises, so the encoder learns to carry "
    "information before it is charged for it; *cyclical* annealing repeats this several times.\n"
    "- **Free bits**: each latent dimension may carry a little information (λ nats) for free.\n"
    "- **Word dropout**: some of the decoder's input words are hidden, so it must lean on z.\n"
    "- **BN-VAE** (the default): the posterior means are batch-normalised to a fixed spread, so the KL cannot "
    "fall to zero.\n"
    "- **Autoencoder pre-training** (the default): the encoder first learns as a plain autoencoder, then the "
    "decoder starts afresh, meeting an encoder that already carries information.\n\n"
    "The Train page shows the KL and the **active units** (dimensions whose mean varies across sentences) "
    "live, and warns when they fall to zero."
)
st.subheader("The round trip: does z keep what a sentence says?")
st.markdown(
    "A healthy KL is not enough. A model can carry 8 nats in z and keep only a sentence's *pattern* — its length, "
    "its first word, its tense — while the topic changes and a complaint comes back as praise. So every model is "
    "also judged as a user sees it: each held-out sentence goes sentence → z → sentence, and the card shows how "
    "many come back **exactly**, how close their wording is (**chrF**), whether their **meaning** is kept (the "
    "pretrained encoder's similarity of input and output) and, with labels, whether a simple classifier still "
    "gives them the **same label**. The more z may carry (BN-VAE's γ sets a floor on the KL: latent size · γ² / 2 "
    "nats), the more comes back; the defaults give z room for meaning and wording both."
)

base = vae_core.base.shipped.card()
if base:
    st.subheader("The base model: English before your sentences")
    st.markdown(
        f"Latent Lab ships a sentence VAE that has read **{base.get('sentences', 0):,} sentences of general English** "
        "(encyclopedia articles, books, dialogue, chat, questions, speeches). Its tokenizer spells any word from "
        "pieces, so no word is unknown. An uploaded dataset is mapped with it **at once**, with no training, and "
        f"every page works on it. Of {base.get('roundtrip_n', 0):,} held-out sentences of its own corpus, "
        f"**{base.get('roundtrip_exact', 0):.0%}** come back word for word (chrF {base.get('roundtrip_chrf', 0):.0f}, "
        f"meaning kept {base.get('roundtrip_similarity', 0):.2f}).\n\n"
        + (
            "**Meaning, not only wording.** The last dimensions of its z, its *meaning part*, were taught where a "
            f"sentence encoder puts each sentence ({base['meaning_teacher']}), beside the rest of z, which keeps "
            "the wording: Explore measures the two side by side, so neighbours share what they say more often than "
            "sentences shaped alike (bench/BASE.md, 'A meaning part').\n\n"
            if base.get("meaning_teacher")
            else ""
        )
        + "**Adapting** it (the Train page's default) trains it a few passes more on your sentences, keeping its "
        "tokenizer: it learns your corpus's words and phrasing in minutes, and its map stays recognisably the base "
        "model's (Explore colours what moved). Its last passes, and adapting, weigh the KL at 0.3: each "
        "sentence's posterior is narrower, so z holds more of it, for a somewhat worse likelihood.\n\n"
        "**Its encoder is a one-pass guess.** The decoder can write back more than the encoder's mean asks of it "
        "(the *amortisation gap*): Generate → Reconstruct and Interpolate's ends first move each sentence's point a "
        "few gradient steps, within the spread the encoder gives the sentence, to one the decoder writes the "
        "sentence back from (*semi-amortised inference*). Short held-out sentences then come back word for word "
        "about twice as often; long ones gain little, since there the decoder itself falls short "
        "(bench/ROUNDTRIP.md, 'Refining z')."
    )

st.subheader("Now loaded")
corpus, model = state.current_corpus(), state.current_model()
col1, col2 = st.columns(2)
with col1:
    if corpus:
        st.metric("Dataset", f"{len(corpus.value)} sentences")
        st.text(corpus.name)
    else:
        st.info("No dataset: open the Data page.")
with col2:
    if model:
        st.metric("Model", f"z: {model.value.latent_dim}-D")
        st.text(model.name)
    else:
        st.info("No model: open the Train or Models page.")

if model:
    st.subheader("This model, in its own numbers")
    metrics = model.value.metrics
    kl, units = metrics.get("kl"), metrics.get("active_units")
    cards.model_figures(metrics, model.value.latent_dim)
    if kl is not None and units is not None:
        st.markdown(
            f"Each sentence's z carries at most **{kl:.1f} nats** ({kl / math.log(2):.0f} bits) of information about "
            "it (the KL bounds it: part of it pays for the codes' spread, not for news of the sentence), "
            f"spread over **{units}** of the {model.value.latent_dim} dimensions"
            + (
                ": far from collapse."
                if not vae_core.measure.metrics.collapsed(kl, units)
                else ": **this model has collapsed**, z says nothing."
            )
        )
    if kept := cards.what_z_keeps(metrics):
        st.markdown(kept)
    if corpus and len(corpus.value) >= 2:
        if latents.latents.has() or state.showing_the_demo() or st.button("Show this model at work"):
            try:
                first, back, walk = decoded.model_at_work()
                st.markdown("**A round trip**, sentence → z → sentence:")
                st.text(f"in:   {first}\nout:  {back}")
                st.markdown("**An interpolation**, from that sentence to one halfway down the dataset:")
                st.text("\n".join(f"{i}. {s}" for i, s in enumerate(walk)))
            except LatentLabError as e:
                st.error(str(e))
        else:
            st.caption("It encodes the dataset first (the Explore page does the same).")

st.subheader("The trade-off you can see: rate against distortion")
st.markdown(
    "The demo sentences trained four times, briefly, each time letting z hold more (BN-VAE's γ sets a floor on the "
    "KL: latent size · γ² / 2 nats while training). Left, z holds almost nothing: the decoder writes a plausible "
    "sentence of its own whatever it is given. Going right, z holds more and the reconstruction's cost falls: more "
    "of the sentence comes back (these trainings are short; the demo model, γ 2 trained 40 epochs, writes 97% of "
    "its sentences back word for word), while a sample of the prior lands wherever it lands, often between the "
    "encoded sentences. Hover a point for what that model wrote."
)
try:
    points = vae_core.train.tradeoff.from_json(TRADEOFF.read_text(encoding="utf-8")) if TRADEOFF.is_file() else []
except LatentLabError as e:
    points = []
    st.error(str(e))
if points:
    st.plotly_chart(tradeoff_figure(points), key="tradeoff")
    st.dataframe(
        pd.DataFrame(
            {
                "γ": [p.gamma for p in points],
                "KL (rate, nats)": [round(p.kl, 1) for p in points],
                "reconstruction (distortion, nats)": [round(p.rec, 1) for p in points],
                f"writes back “{points[0].sentence}”": [p.written_back for p in points],
                "writes from a prior sample": [p.from_prior for p in points],
            }
        ),
        hide_index=True,
    )
else:
    st.info("The demo's trade-off points are not here (python assets/make_demo_model.py --tradeoff-only).")
if corpus and not corpus.demo:
    registry, key = state.job_registry(), f"{state.session_id()}:tradeoff"
    if st.button(f"Draw it for {corpus.name}", help="Four short trainings (γ 0.1, 0.5, 1, 2) in the background."):
        try:
            registry.start(key, vae_core.train.jobs.TradeoffJob(corpus.value))
        except LatentLabError as e:
            st.error(str(e))
    job = registry.get(key)
    if job is not None:
        running = not job.finished
        st.fragment(run_every=2.0 if running else None)(training.tradeoff_progress)(job)

st.subheader("Collapse, shown")
st.markdown(
    "The same demo sentences, trained twice. Above, with the defaults: the map spreads out as z learns to carry "
    "each sentence. Below, with every defence turned off (β = 1 from the first step, no annealing, no word dropout, "
    "no BN-VAE, no pre-training; the Train page's *Show a collapse* button does the same with your data): the KL "
    "falls towards zero, the points gather at the centre, and every sentence decodes to much the same thing. "
    "Its likelihood can still be as good as the healthy model's, or better: a decoder that ignores z is a fine "
    "language model by itself, and a likelihood scores how probable the sentences are, not whether z can write "
    "each one back. That is why every model card shows the round trip beside it."
)
if st.toggle("Play the two trainings", help="Replays recorded while the two models trained (shipped with the demo)."):
    shown = {
        "With the defaults (the demo model)": replay_view.replay_of_folder(state.DEMO_MODEL),
        "With no defence, on the same scale": replay_view.replay_of_folder(COLLAPSE),
    }
    if None in shown.values():
        st.info("A replay is missing here (python assets/make_demo_model.py makes both).")
    else:
        box = replay_view.extent(list(shown.values()))
        for i, (title, replay) in enumerate(shown.items()):
            st.markdown(f"**{title}**")
            replay_view.replay_section(replay, key=f"learn-{i}", box=box)
