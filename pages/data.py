"""Data: upload a corpus (or pick the demo), choose its columns, see what was kept and dropped."""

import pandas as pd
import plotly.express as px
import streamlit as st

from ui import state, workspace
from vae_core import CorpusOptions, LatentLabError, load_corpus
from vae_core.data.corpus import column_choices, corpus_stats
from vae_core.data.readers import ALIASES, FORMATS
from vae_core.store import workspace as workspaces

st.title("Data")

kept = workspaces.list_datasets(workspace.folder())
KEPT = "Kept in the shared workspace" if workspace.read_only() else "Kept in your workspace"
sources = ["Upload a file", *([KEPT] if kept else []), "Demo corpus"]
source = st.radio("Source", sources, horizontal=True)
if source == KEPT:
    st.caption("Files uploaded into this workspace, kept with the options they were read with (see Models).")
    for entry in kept:
        c1, c2, c3 = st.columns([6, 1, 1])
        c1.text(f"{entry['name']} · uploaded {entry.get('saved_at', '?')}")
        if c2.button("Open", key=f"open-{entry['kept']}"):
            try:
                corpus = workspaces.load_dataset(workspace.folder(), entry["kept"])
                state.set_corpus(corpus, entry["name"], kept=entry["kept"])
                state.open_the_model_for_new_data()
                st.rerun()
            except LatentLabError as e:
                st.error(str(e))
        if not workspace.read_only() and c3.button("Delete", key=f"delete-{entry['kept']}"):
            try:
                workspaces.delete_dataset(workspace.writable_folder(), entry["kept"])
                st.rerun()
            except (LatentLabError, OSError) as e:
                st.error(str(e))
elif source == "Demo corpus":
    corpus = state.demo_corpus()
    if corpus is None:
        st.warning("This installation has no demo corpus.")
    elif st.button("Use the demo corpus", type="primary"):
        state.set_corpus(corpus, "demo corpus", demo=True)
        st.rerun()
else:
    upload = st.file_uploader(
        "A text file: .txt (one sentence a line), .csv/.tsv (with a header), .jsonl or .parquet",
        type=[*FORMATS, *filter(None, ALIASES)],
    )
    if workspace.read_only():
        st.caption("An upload opens for this session only: this workspace is shared with you read-only.")
    if upload is not None:
        data = upload.getvalue()
        try:
            read = f"columns-{upload.file_id}"  # the upload's columns read once, not again on every rerun of the page
            if read not in st.session_state:
                st.session_state[read] = column_choices(data, upload.name)
            choices = st.session_state[read]
        except LatentLabError as e:
            st.error(str(e))
            choices = None
        if choices is not None:
            columns = choices.columns
            with st.form("options"):
                text_column = label_column = None
                if columns:
                    text_column = st.selectbox(
                        "Text column", columns, index=columns.index(choices.text) if choices.text else 0
                    )
                    label_options = ["(none)", *columns]
                    label_column = st.selectbox(
                        "Label column (optional)",
                        label_options,
                        index=label_options.index(choices.label) if choices.label else 0,
                        help="Colours the maps and measures how well the latent space keeps the labels apart.",
                    )
                    label_column = None if label_column == "(none)" else label_column
                c1, c2, c3 = st.columns(3)
                lowercase = c1.checkbox("Lower-case the text", help="Also merges 'The' and 'the'.")
                dedupe = c2.checkbox("Drop repeated sentences")
                drop_long = c3.checkbox("Drop long sentences", help="Otherwise they are cut at the limit.")
                c1, c2, c3 = st.columns(3)
                max_tokens = c1.number_input("Maximum length (tokens)", 4, 512, 64)
                val_fraction = c2.slider("Held out for validation", 0.0, 0.5, 0.1, 0.05)
                seed = c3.number_input("Split seed", 0, 10**6, 0)
                submitted = st.form_submit_button("Load this file", type="primary")
            if submitted:
                options = CorpusOptions(
                    text_column=text_column,
                    label_column=label_column,
                    lowercase=lowercase,
                    max_tokens=int(max_tokens),
                    long_lines="drop" if drop_long else "truncate",
                    dedupe=dedupe,
                    val_fraction=float(val_fraction),
                    seed=int(seed),
                )
                try:
                    corpus = load_corpus(data, options, name=upload.name)
                    kept_as = None
                    if not workspace.read_only():
                        kept_as = workspaces.save_dataset(workspace.writable_folder(), upload.name, data, options)
                    state.set_corpus(corpus, upload.name, kept=kept_as)
                    state.open_the_model_for_new_data()
                    st.rerun()
                except LatentLabError as e:
                    st.error(str(e))

named = state.current_corpus()
if named is None:
    st.info("No dataset loaded yet.")
    st.stop()
corpus = named.value
st.subheader("Current dataset")
st.text(named.name)
report = corpus.report
for note in report.notes:
    st.warning(note)
stats = corpus_stats(corpus)
c1, c2, c3, c4 = st.columns(4)
c1.metric("Sentences", f"{stats['sentences']:,}")
c2.metric("Tokens", f"{stats['tokens']:,}")
c3.metric("Distinct words", f"{stats['vocabulary']:,}")
c4.metric("Train / validation", f"{len(corpus.train_idx):,} / {len(corpus.val_idx):,}")
dropped = {why: n for why, n in report.dropped.items() if n}
st.text(
    f"Read {report.rows_read:,} rows ({report.file_format}, {report.encoding}); kept {report.kept:,}; "
    f"truncated {report.truncated:,}; dropped: " + (", ".join(f"{n:,} {why}" for why, n in dropped.items()) or "none")
)
preview = {"text": corpus.texts[:500]}
if corpus.labels is not None:
    preview["label"] = corpus.labels[:500]
st.dataframe(preview, height=300)
fig = px.histogram(x=stats["lengths"], nbins=40, labels={"x": "sentence length (tokens)"}, title="Lengths")
fig.update_layout(height=300, margin={"t": 40, "b": 0}, yaxis_title="sentences")
st.plotly_chart(fig)
if corpus.labels is not None:
    st.bar_chart(pd.Series(corpus.labels).value_counts(), height=240)
