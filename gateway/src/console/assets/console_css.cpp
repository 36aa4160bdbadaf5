// /admin/assets/console.css, compiled into the binary (no external assets, no build step).
#include "console/console_support.hpp"

namespace ssogate::gateway::console_detail {

std::string_view const console_css = R"css(:root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.45;
  --muted: #6b7280; --line: #d1d5db; --ok: #15803d; --bad: #b91c1c; --warn: #b45309; --accent: #1d4ed8; }
body { margin: 0; background: Canvas; color: CanvasText; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .6rem 1.25rem;
  border-bottom: 1px solid var(--line); }
header.top .brand { font-weight: 700; text-decoration: none; color: inherit; }
header.top nav ul { display: flex; gap: .25rem; list-style: none; margin: 0; padding: 0; }
header.top nav a { display: block; padding: .3rem .7rem; border-radius: .4rem; text-decoration: none; color: inherit; }
header.top nav a[aria-current=page] { background: color-mix(in srgb, var(--accent) 15%, transparent); font-weight: 600; }
header.top .who { margin-left: auto; display: flex; gap: .5rem; align-items: center; color: var(--muted); }
main { padding: 1rem 1.25rem 3rem; max-width: 80rem; margin: 0 auto; }
main.narrow { max-width: 34rem; padding-top: 3rem; }
h1 { font-size: 1.4rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.1rem; margin-top: 2rem; }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
a { color: var(--accent); }
button { font: inherit; padding: .35rem .8rem; border: 1px solid var(--line); border-radius: .4rem;
  background: ButtonFace; color: ButtonText; cursor: pointer; }
button:focus-visible, a:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible {
  outline: 3px solid var(--accent); outline-offset: 2px; }
input, select, textarea { font: inherit; padding: .3rem .45rem; border: 1px solid var(--line); border-radius: .3rem; }
form.stack { display: grid; gap: .5rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85em; overflow-wrap: anywhere; }
pre { white-space: pre-wrap; margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top;
  overflow-wrap: anywhere; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
.muted, .empty { color: var(--muted); }
.ok { color: var(--ok); }
.bad { color: var(--bad); }
.warn { color: var(--warn); font-weight: 600; }
.banner { padding: .6rem .8rem; border-radius: .4rem; border: 1px solid currentColor; }
.cards { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: 1rem; }
.cards li { border: 1px solid var(--line); border-radius: .5rem; padding: 1rem; display: grid; gap: .25rem; }
.cards a { font-weight: 600; font-size: 1.1rem; }
.cards span { color: var(--muted); }
.filters, .toolbar { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; margin-bottom: 1rem; }
.filters label { display: grid; gap: .15rem; font-size: .85rem; color: var(--muted); }
.toolbar form { margin-left: auto; }
ol.events { list-style: none; padding: 0; margin: 0; border-top: 1px solid var(--line); }
ol.events li { border-bottom: 1px solid var(--line); }
ol.events li.fresh { animation: fresh 2s ease-out; }
@keyframes fresh { from { background: color-mix(in srgb, var(--accent) 20%, transparent); } to { background: transparent; } }
ol.events summary { cursor: pointer; padding: .4rem .3rem; display: flex; flex-wrap: wrap; gap: .6rem; align-items: baseline; }
ol.events summary .seq, ol.events summary time { color: var(--muted); font-variant-numeric: tabular-nums; }
ol.events summary .action { font-weight: 600; }
ol.events summary .result { margin-left: auto; }
ol.events .result.ok { color: var(--ok); }
ol.events .result.bad { color: var(--bad); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .25rem 0 .75rem 1.5rem; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; min-width: 0; }
[role=switch] { position: relative; width: 3.2rem; height: 1.7rem; border-radius: 1rem; padding: 0;
  background: #9ca3af; border: none; }
[role=switch]::after { content: ""; position: absolute; top: .2rem; left: .2rem; width: 1.3rem; height: 1.3rem;
  border-radius: 50%; background: white; transition: left .15s; }
[role=switch][aria-checked=true] { background: var(--ok); }
[role=switch][aria-checked=true]::after { left: 1.7rem; }
[role=switch][disabled] { opacity: .5; cursor: not-allowed; }
.switch-cell { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
.hint { font-size: .85rem; color: var(--muted); }
.secret { padding: .6rem; border: 2px dashed var(--warn); border-radius: .4rem; user-select: all; }
table.diff del { color: var(--bad); }
table.diff ins { color: var(--ok); text-decoration: none; font-weight: 600; }
)css";

} // namespace ssogate::gateway::console_detail
