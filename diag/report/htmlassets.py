"""The one inline style sheet and the one inline script of the HTML report (diag.report.html),
and their Content-Security-Policy hashes.

Both are constants: the report's CSP allows exactly these two blocks by their sha256 hash
(no 'unsafe-inline'), loads nothing from anywhere (``default-src 'none'``), and so an
injected ``<script>`` or ``onerror=`` that escaping missed would still not run. The page
uses no ``style=""`` attribute and no inline event handler: both would need
'unsafe-hashes'.
"""

from __future__ import annotations

import base64
import hashlib

STYLE = """
:root{--bg:#fff;--fg:#1b1f24;--mute:#57606a;--line:#d0d7de;--card:#f6f8fa;--code:#f3f4f6;
--bad:#c62828;--warn:#b26a00;--ok:#1a7f37;--info:#0969da;--accent:#0969da;--soon:#fff4e0;--pass:#fdecec;
color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mute:#9da7b3;--line:#30363d;
--card:#161b22;--code:#1c2230;--bad:#ff7b72;--warn:#e3b341;--ok:#3fb950;--info:#58a6ff;--accent:#58a6ff;
--soon:#3a2e12;--pass:#3d1a1a}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,
"Liberation Sans",sans-serif}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.45em;margin:.2em 0 .4em}h2{font-size:1.2em;margin:1.2em 0 .4em}h3{font-size:1.05em;margin:1em 0 .3em}
a{color:var(--accent)}
code,pre,.mono{font-family:ui-monospace,"DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace;font-size:.88em}
pre{background:var(--code);border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:.3em 0;
overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}
.muted{color:var(--mute)}
.sev{display:inline-block;min-width:5.2em;font-weight:600;font-size:.8em;letter-spacing:.03em}
.sev-error{color:var(--bad)}.sev-warning{color:var(--warn)}.sev-info{color:var(--info)}.sev-ok{color:var(--ok)}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin:.6em 0}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}
dl.kv dt{color:var(--mute)}dl.kv dd{margin:0;overflow-wrap:anywhere}
.device{border-top:2px solid var(--line);margin-top:1.2em;content-visibility:auto;contain-intrinsic-size:auto 600px}
.device>summary{cursor:pointer;padding:.5em 0;font-size:1.15em;font-weight:600}
.device>summary .muted{font-weight:400;font-size:.85em}
.finding{border-left:4px solid var(--line);padding:2px 0 2px 12px;margin:1em 0}
.finding.error{border-left-color:var(--bad)}.finding.warning{border-left-color:var(--warn)}
.finding.info{border-left-color:var(--info)}
.ev{margin:.3em 0}.ev .ln{color:var(--mute);user-select:none}
.block{position:relative}
.block>.copy{position:absolute;top:4px;right:4px;font:inherit;font-size:.78em;padding:1px 8px;cursor:pointer;
border:1px solid var(--line);border-radius:4px;background:var(--bg);color:var(--fg)}
ul.tree{list-style:none;padding-left:0;margin:.3em 0}ul.tree ul{list-style:none;padding-left:1.6em}
ul.tree li{margin:.15em 0}
.tag{font-size:.78em;border:1px solid var(--line);border-radius:10px;padding:0 6px;color:var(--mute)}
table{border-collapse:collapse;width:100%;font-size:.9em}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th button{font:inherit;font-weight:600;background:none;border:0;color:inherit;padding:0;cursor:pointer}
th[aria-sort=ascending] button::after{content:" \\25B2"}th[aria-sort=descending] button::after{content:" \\25BC"}
.scroll{overflow-x:auto;max-width:100%}
.fleet-table td:first-child{white-space:nowrap}.fleet-table td:nth-child(8),.fleet-table th:nth-child(8){text-align:right}
.st-passed{color:var(--bad);font-weight:600}.st-within_30_days{color:var(--warn);font-weight:600}
.st-failed{color:var(--bad);font-weight:600}
svg{display:block;max-width:none}
.tl text{font-family:ui-monospace,"DejaVu Sans Mono","Liberation Mono",monospace;font-size:11px;fill:var(--fg)}
.tl .tick text{fill:var(--mute)}.tl .axis{stroke:var(--mute);stroke-width:1.5}
.tl .tick path{stroke:var(--line)}.tl .lead{stroke:var(--mute);stroke-width:.8;stroke-dasharray:2 2}
.tl .soonband{fill:var(--soon)}.tl .nowline{stroke:var(--accent);stroke-width:2}
.tl .nowtext{fill:var(--accent);font-weight:700}
.tl .m{fill:var(--bg);stroke:var(--mute);stroke-width:2}
.tl .k-past .m{fill:var(--mute)}.tl .k-deadline .m{fill:var(--fg);stroke:var(--fg)}
.tl .s-passed.k-deadline .m,.tl .s-failed .m{fill:var(--bad);stroke:var(--bad)}
.tl .s-within_30_days.k-deadline .m{fill:var(--warn);stroke:var(--warn)}
.tl .s-passed.k-deadline text,.tl .s-failed text{fill:var(--bad)}
.tl .s-within_30_days.k-deadline text{fill:var(--warn)}
.tl .k-snapshot .m{fill:var(--accent);stroke:var(--accent)}
.fc rect.bar{fill:var(--mute)}.fc rect.bar.soon{fill:var(--warn)}.fc rect.bar.passed{fill:var(--bad)}
.fc text{font-size:11px;fill:var(--mute);font-family:system-ui,sans-serif}.fc .axis{stroke:var(--mute)}
.legend{font-size:.82em;color:var(--mute);margin:.2em 0 .6em}
.checklist{list-style:none;padding-left:0}.checklist li{margin:.25em 0}
footer{margin:2em 0 1em;color:var(--mute);font-size:.85em}
@media (max-width:640px){main{padding:10px}body{font-size:14px}dl.kv{grid-template-columns:1fr}
dl.kv dd{margin-bottom:4px}.fleet-table .opt{display:none}}
@media print{:root{--bg:#fff;--fg:#000;--mute:#444;--card:#fff;--code:#fff;color-scheme:light}
body{font-size:11pt}main{max-width:none;padding:0}.copy,.noprint{display:none!important}
.device{content-visibility:visible;break-before:page;border:0}details::details-content{content-visibility:visible;display:contents}
.finding,pre,.card,svg{break-inside:avoid}a{color:inherit;text-decoration:none}}
"""

SCRIPT = """
(function(){
"use strict";
function copyText(pre,btn){
  var text=pre.textContent;
  function done(ok){btn.textContent=ok?"Copied":"Select and copy";setTimeout(function(){btn.textContent="Copy";},1500);}
  function fallback(){
    var r=document.createRange();r.selectNodeContents(pre);var s=window.getSelection();s.removeAllRanges();s.addRange(r);
    var ok=false;try{ok=document.execCommand("copy");}catch(e){ok=false;}done(ok);
  }
  if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(text).then(function(){done(true);},fallback);}
  else{fallback();}
}
document.querySelectorAll("pre.cp").forEach(function(pre){
  var wrap=pre.parentNode,btn=document.createElement("button");
  btn.type="button";btn.className="copy";btn.textContent="Copy";
  btn.setAttribute("aria-label","Copy "+(pre.getAttribute("data-what")||"these commands"));
  btn.addEventListener("click",function(){copyText(pre,btn);});wrap.insertBefore(btn,pre);
});
function key(td){var k=td.getAttribute("data-k");return k!==null?k:td.textContent.trim().toLowerCase();}
document.querySelectorAll("table.sortable").forEach(function(table){
  var heads=table.tHead.rows[0].cells,body=table.tBodies[0];
  Array.prototype.forEach.call(heads,function(th,col){
    var btn=document.createElement("button");btn.type="button";
    while(th.firstChild){btn.appendChild(th.firstChild);}th.appendChild(btn);
    btn.addEventListener("click",function(){
      var asc=th.getAttribute("aria-sort")!=="ascending",num=th.getAttribute("data-type")==="num";
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){
        var x=key(a.cells[col]),y=key(b.cells[col]),c;
        if(num){c=parseFloat(x)-parseFloat(y);}else{c=x<y?-1:x>y?1:0;}
        if(c===0){c=parseInt(a.getAttribute("data-i"),10)-parseInt(b.getAttribute("data-i"),10);return c;}
        return asc?c:-c;
      });
      var frag=document.createDocumentFragment();rows.forEach(function(r){frag.appendChild(r);});body.appendChild(frag);
      Array.prototype.forEach.call(heads,function(h){h.removeAttribute("aria-sort");});
      th.setAttribute("aria-sort",asc?"ascending":"descending");
    });
  });
});
function openTarget(){
  var id=decodeURIComponent(location.hash.slice(1));if(!id){return;}
  var el=document.getElementById(id);
  while(el){if(el.tagName==="DETAILS"){el.open=true;}el=el.parentElement;}
}
window.addEventListener("hashchange",openTarget);openTarget();
var closed=[];
window.addEventListener("beforeprint",function(){
  closed=Array.prototype.filter.call(document.querySelectorAll("details"),function(d){return !d.open;});
  closed.forEach(function(d){d.open=true;});
});
window.addEventListener("afterprint",function(){closed.forEach(function(d){d.open=false;});closed=[];});
})();
"""


def sha256(text: str) -> str:
    """The CSP source expression of an inline block: 'sha256-<base64 of its digest>'."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


# nothing loads from anywhere: no fetch, no image, no font, no frame, no form target, no <base>
CSP = (f"default-src 'none'; style-src {sha256(STYLE)}; script-src {sha256(SCRIPT)}; img-src 'none'; "
       "base-uri 'none'; form-action 'none'")
