"""Home: what Latent Lab is and how to start."""

import streamlit as st

st.title("Latent Lab")
st.markdown(
    """
Look inside the latent space of a **sentence VAE** (Bowman et al. 2016): an encoder maps each sentence to a
Gaussian q(z|x), a decoder regenerates the sentence from z, and training maximises the ELBO
(reconstruction − KL).

The interactive pages (data, training, the latent map, interpolation, generation) are on their way. Today the
model is used from the command line:

```
python -m vae_core train sentences.txt --out models/mine
python -m vae_core interpolate models/mine "first sentence" "second sentence"
```
"""
)
