"""Readiness model (researchers): the published fit, posterior plots, shrinkage, prior sensitivity, refit."""
import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.state import actor, database, show_error
from core import athletes
from core.errors import UserError
from core.reco import evaluation, fit, store
from core.reco import model as M

st.title("Readiness model")
st.caption("Session quality (1-10) from the check-in and the training load; athlete-varying intercepts and "
           "slopes, partial pooling (PyMC; non-centred slopes). Coefficients are quality points per 1 sd of each input.")
db = database()
me = actor()

with st.expander("Refit now", expanded=store.current_fit(db, me) is None):
    c1, c2, c3 = st.columns(3)
    draws = c1.number_input("Draws per chain", 200, 5000, 1000, step=100)
    tune = c2.number_input("Tuning steps per chain", 200, 5000, 1000, step=100)
    force = c3.checkbox("Refit even if nothing changed")
    if st.button("Refit the model", type="primary"):
        bar = st.progress(0.0, text="Starting…")
        with st.status("Fitting: a minute or two for a squad's few hundred sessions at 1,000 draws; the page "
                       "waits until it is done…", expanded=False) as status:
            try:
                out = fit.run(db, me, fit.Settings(draws=int(draws), tune=int(tune)), force=force,
                              progress=lambda f, m="": bar.progress(min(max(f, 0.0), 1.0), text=m))
                status.update(label={"published": "Fit published", "kept": "Fit not published",
                                     "unchanged": "Nothing new to fit"}.get(out.status, out.status),
                              state="complete" if out.status != "kept" else "error")
            except UserError as e:
                status.update(label="Nothing to fit", state="error")
                show_error(e)
        bar.empty()  # the outcome below says it all; a stale "reading check-ins" bar did not
        if "out" in locals():
            (st.success if out.status == "published" else st.warning)(out.message)
            for line in out.changes:
                st.write(f"- {line}")

attempts = store.fits(db, me)
current = store.current_fit(db, me)
if current is None:
    st.info("No published fit yet: predictions use the priors (cold start). Import a history or collect "
            "check-ins with session outcomes, then refit above.")
    if attempts:
        st.dataframe(pd.DataFrame([{"Fit": f.id, "Status": f.status, "Why": f.reason} for f in attempts]),
                     hide_index=True)
    st.stop()

d = current.diagnostics
c1, c2, c3, c4 = st.columns(4)
c1.metric("Published fit", f"#{current.id}", help=f"{current.fitted_at:%Y-%m-%d %H:%M} UTC, model {current.model_version}")
c2.metric("Athletes / sessions", f"{current.n_athletes} / {current.n_sessions}")
c3.metric("Max r-hat", f"{d.get('rhat_max')}")
c4.metric("Min bulk ESS", f"{d.get('ess_bulk_min', 0):.0f}")
st.caption(f"Sampler {d.get('sampler')}, {d.get('chains')} chains x {d.get('draws')} draws, "
           f"{d.get('divergences')} divergences, {current.duration_s:.1f} s. {current.changes}")

st.subheader("Fit attempts")
st.dataframe(pd.DataFrame([{"Fit": f.id, "When (UTC)": f"{f.fitted_at:%Y-%m-%d %H:%M}", "Status": f.status,
                            "Athletes": f.n_athletes, "Sessions": f.n_sessions,
                            "Max r-hat": f.diagnostics.get("rhat_max"),
                            "Min ESS": round(f.diagnostics["ess_bulk_min"])
                            if math.isfinite(f.diagnostics.get("ess_bulk_min") or math.nan) else None,
                            "Divergences": f.diagnostics.get("divergences"), "Why": f.reason} for f in attempts]),
             hide_index=True, width="stretch")

st.subheader("Population coefficients (90% intervals)")
pop = current.population
terms = list(M.TERMS)
slopes = list(M.PREDICTORS)
fig = go.Figure(go.Scatter(
    x=[pop["mean"][t] for t in slopes], y=[M.LABELS[t] for t in slopes], mode="markers",
    error_x=dict(type="data", array=[1.645 * pop["sd"][t] for t in slopes]), name="population mean"))
fig.add_vline(x=0, line_dash="dot")
fig.update_layout(height=300, margin=dict(l=10, r=10, t=10, b=10),
                  xaxis_title="quality points per 1 sd of the input")
st.plotly_chart(fig, width="stretch")
st.caption(f"Usual quality at the team's average inputs: {pop['mean']['intercept']:.2f} ± "
           f"{1.645 * pop['sd']['intercept']:.2f} points (90%). Between-athlete spread (sd): " + ", ".join(f"{M.LABELS[t]} {pop['group_sd'][t]:.2f}" for t in terms)
           + f". Residual noise sigma {pop['sigma']:.2f} points.")

path = fit.posterior_path(me, current.id, current.data_hash)
if path.exists():
    with st.expander("Posterior distributions (ArviZ)"):
        import arviz as az
        import matplotlib.pyplot as plt
        import xarray as xr
        post = xr.open_dataset(path)
        axes = az.plot_posterior(post, var_names=["mu_alpha", "beta_pop", "sigma"], hdi_prob=0.9,
                                 textsize=9, figsize=(12, 7))
        st.pyplot(plt.gcf())
        plt.close("all")
        post.close()

st.subheader("Shrinkage per athlete")
coefs = store.coefficients(db, me, current.id)
names = {a.id: a.name for a in athletes.list_all(db, me, include_archived=True)}
data = fit.model_data(store.training_frame(db, me))
own = evaluation.no_pooling_coefficients(data, current.scaler) if not data.empty else pd.DataFrame()
term = st.selectbox("Coefficient", terms, format_func=lambda t: M.LABELS[t])
one = evaluation.shrinkage(coefs, own, term)
one["name"] = one["athlete_id"].map(names).fillna(one["athlete_id"].astype(str))
fig = go.Figure()
for r in one.itertuples():
    fig.add_shape(type="line", x0=r.mean_own, x1=r.mean, y0=r.name, y1=r.name, line=dict(color="#bbbbbb"))
fig.add_scatter(x=one["mean_own"], y=one["name"], mode="markers", name="athlete's own data (OLS)",
                marker=dict(symbol="circle-open", size=9))
fig.add_scatter(x=one["mean"], y=one["name"], mode="markers", name="partially pooled (published)",
                error_x=dict(type="data", array=1.645 * one["sd"]), marker=dict(size=9))
fig.add_vline(x=pop["mean"][term], line_dash="dot", annotation_text="population")
fig.update_layout(height=max(300, 26 * len(one)), margin=dict(l=10, r=10, t=10, b=10),
                  xaxis_title=f"{M.LABELS[term]}: quality points per 1 sd" if term != "intercept"
                  else "usual quality (points)")
st.plotly_chart(fig, width="stretch")
st.caption(f"Median shift from the athlete's own estimate: {one['shift'].median():.2f} points; athletes with few sessions "
           "move most (their own estimate is noisy).")
st.dataframe(one[["name", "sessions_used", "phase", "mean_own", "mean", "sd"]].rename(columns={
    "name": "Athlete", "sessions_used": "Sessions", "phase": "Phase", "mean_own": "Own OLS",
    "mean": "Pooled mean", "sd": "Pooled sd"}).round(3), hide_index=True, width="stretch")

st.subheader("Prior sensitivity")
st.caption("Refits the same data with every prior scale halved and doubled (500 draws each) and compares the "
           "population coefficients; large differences mean the data say little about that term.")
if st.button("Run prior sensitivity"):
    bar = st.progress(0.0, text="Starting…")
    results = {"published (x1)": pop["mean"]}
    for i, scale in enumerate((0.5, 2.0)):
        post = fit.sample(data, fit.Settings(draws=500, tune=500, prior_scale=scale), scaler=current.scaler,
                          progress=lambda f, m="", i=i: bar.progress(min((i + f) / 2, 1.0), text=f"x{scale}: {m}"))
        results[f"priors x{scale}"] = post.population["mean"]
    bar.progress(1.0, text="Done")
    st.dataframe(pd.DataFrame(results).rename(index=M.LABELS).round(3), width="stretch")
