() => {
  const out = {small: [], tiny_text: []};
  const seen = new Set();
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    // Off-screen until focused (the skip link) counts as not shown.
    if (r.bottom < 0 || r.right < 0) return false;
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const describe = (el) => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    if (el.className && typeof el.className === 'string') d += '.' + el.className.trim().split(/\s+/).join('.');
    const p = el.parentElement;
    if (p) d = p.tagName.toLowerCase() + (p.className && typeof p.className === 'string' ? '.' + p.className.trim().split(/\s+/)[0] : '') + ' > ' + d;
    return d + ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 20) + '"';
  };
  const targets = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  for (const el of document.querySelectorAll(targets)) {
    if (!visible(el)) continue;
    // Inline links inside running text are exempt (WCAG 2.5.8 "inline").
    if (el.tagName === 'A' && el.closest('p, li.message, .prose') && !el.closest('nav')) {
      const parentText = el.parentElement.innerText.trim();
      if (parentText.length > el.innerText.trim().length + 10) continue;
    }
    let r = el.getBoundingClientRect();
    // A check box or radio counts with its label when the label is the target people tap.
    if ((el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels.length) {
      const l = el.labels[0].getBoundingClientRect();
      const top = Math.min(r.top, l.top), bottom = Math.max(r.bottom, l.bottom);
      const left = Math.min(r.left, l.left), right = Math.max(r.right, l.right);
      r = {width: right - left, height: bottom - top};
    }
    if (r.height < 43.5 || r.width < 43.5) {
      const key = describe(el);
      if (!seen.has(key)) { seen.add(key); out.small.push(key + ' ' + Math.round(r.width) + '×' + Math.round(r.height)); }
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const tiny = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || !visible(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 15.5) {
      const key = describe(el) + ' ' + size + 'px';
      if (!tiny.has(key)) { tiny.add(key); out.tiny_text.push(key); }
    }
  }
  return out;
};
