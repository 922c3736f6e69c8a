"""Learn: what the app does, how a sentence VAE works, and the current dataset and model at a glance."""

import streamlit as st

from ui import state

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
        "the map) and a spread σ. By default it reads each sentence twice: a recurrent network learnt from your "
        "sentences follows its wording, and a pretrained sentence encoder (all-MiniLM-L6-v2) brings what it knows "
        "of meaning (the **Compare** page sets the two spaces side by side).\n\n"
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
        metrics = model.value.metrics
        st.metric("Model", f"z: {model.value.latent_dim}-D, KL {metrics.get('kl', float('nan')):.1f} nats")
        st.text(model.name)
    else:
        st.info("No model: open the Train or Models page.")
