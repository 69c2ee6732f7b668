// Targets (links, buttons, summaries) smaller than 24 × 24 CSS px that no exception of
// WCAG 2.5.8 covers; tests/browser/test_look_and_feel.py runs this on every main page.
() => {
  const SIZE = 24;
  const selector = 'a[href], button, summary, [role="button"], input[type="submit"], input[type="button"]';
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2 || getComputedStyle(el).visibility === 'hidden') return false;
    return !el.closest('.visually-hidden, .hp, [aria-hidden="true"]');
  };
  // WCAG 2.5.8 "inline": a link inside a sentence (its parent has text of its own).
  const inSentence = (el) => el.closest('.prose') !== null || Array.from(el.parentElement.childNodes)
    .some((node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim() !== '');
  const targets = Array.from(document.querySelectorAll(selector)).filter(shown)
    .map((el) => ({ el, r: el.getBoundingClientRect() }));
  const small = (t) => t.r.width < SIZE - 0.5 || t.r.height < SIZE - 0.5;
  const centre = (r) => [r.left + r.width / 2, r.top + r.height / 2];
  const distanceToRect = ([x, y], r) => Math.hypot(
    Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  // WCAG 2.5.8 "spacing": a 24-px circle on the small target touches no other target
  // and no other small target's circle.
  const spaced = (t) => targets.every((o) => o === t || o.el.contains(t.el) || t.el.contains(o.el) || (
    distanceToRect(centre(t.r), o.r) >= SIZE / 2 &&
    (!small(o) || Math.hypot(centre(t.r)[0] - centre(o.r)[0], centre(t.r)[1] - centre(o.r)[1]) >= SIZE)));
  // WCAG 2.5.8 "equivalent": a link to the same place of full size on the page (a map's towns).
  const equivalent = (t) => t.el.tagName.toLowerCase() === 'a' && targets.some((o) => o !== t &&
    !small(o) && o.el.getAttribute('href') === t.el.getAttribute('href'));
  return targets.filter((t) => small(t) && !inSentence(t.el) && !spaced(t) && !equivalent(t)).map((t) =>
    `${t.el.tagName.toLowerCase()}.${t.el.getAttribute('class') || ''} „${(t.el.textContent || '').trim().slice(0, 30)}“ ` +
    `${Math.round(t.r.width)}×${Math.round(t.r.height)}`);
}
