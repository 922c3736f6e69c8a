"""The app's UI helpers, one job a module; pages import the modules they need and `vae_core` for the rest.

state     who the user is, the current dataset and model, shared server resources (jobs, the demo)
cache     one decorator that keeps a computed result for this session, keyed by what it depends on
latents   what the maps are drawn from: latents, coordinates, the sentence table, clusters, neighbours
figures   the plotly map and the rows a user selects on it
cards     a model's round trip as the Train and Models pages show it
training  the live view of a running training and the time estimate
downloads files a user can take away (bundles as .zip, tables as Parquet)

Nothing here trains or measures anything itself.
"""
