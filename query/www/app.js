// SPDX-License-Identifier: MIT
// app.js: the search page's behaviour.  The page state (query, page, one
// passage per article, dates) lives in the address (/?q=…&page=2), so
// results can be bookmarked and the back button works; each state is
// fetched from /search and drawn with DOM calls.  Snippets come from the
// server HTML-escaped with <mark> around matches; everything else is set
// as text.
'use strict';

(function () {
  const PAGE_SIZE = 10;
  const MAX_PAGE = 1000; // the API caps offset at 10 000
  const $ = (id) => document.getElementById(id);
  const form = $('search-form');
  const input = $('q');
  const articles = $('articles');
  const from = $('from');
  const to = $('to');
  const clearDates = $('clear-dates');
  const status = $('status');
  const suggestion = $('suggestion');
  const suggestionLink = $('suggestion-link');
  const results = $('results');
  const pager = $('pager');
  const prev = $('prev');
  const next = $('next');
  const pageInfo = $('page-info');
  const months = $('months');
  const monthList = $('month-list');

  const num = new Intl.NumberFormat('fr-FR');
  const ms = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
  const day = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' });
  const month = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const DATE = /^\d{4}-\d{2}-\d{2}$/;
  let inflight = null;
  // Month counts depend on the query and filters, not on the page: they are
  // asked for once per query (counting every match is the costly part).
  let facetKey = null;
  let facetMonths = null;

  function readState(search) {
    const p = new URLSearchParams(search);
    const page = parseInt(p.get('page') || '1', 10);
    return {
      q: (p.get('q') || '').trim(),
      page: Number.isFinite(page) ? Math.min(Math.max(page, 1), MAX_PAGE) : 1,
      articles: p.get('articles') !== '0',
      from: DATE.test(p.get('from') || '') ? p.get('from') : '',
      to: DATE.test(p.get('to') || '') ? p.get('to') : '',
    };
  }

  function pageUrl(st) {
    const p = new URLSearchParams();
    if (st.q) p.set('q', st.q);
    if (st.page > 1) p.set('page', String(st.page));
    if (!st.articles) p.set('articles', '0');
    if (st.from) p.set('from', st.from);
    if (st.to) p.set('to', st.to);
    const s = p.toString();
    return '/' + (s ? '?' + s : '');
  }

  function keyOf(st) {
    return JSON.stringify([st.q, st.articles, st.from, st.to]);
  }

  function apiUrl(st, facets) {
    const p = new URLSearchParams({
      q: st.q,
      limit: String(PAGE_SIZE),
      offset: String((st.page - 1) * PAGE_SIZE),
      articles: st.articles ? '1' : '0',
    });
    if (facets) p.set('facets', 'month');
    if (st.from) p.set('from', st.from);
    if (st.to) p.set('to', st.to);
    return '/search?' + p.toString();
  }

  function formState() {
    return {
      q: input.value.trim(),
      page: 1,
      articles: articles.checked,
      from: from.value,
      to: to.value,
    };
  }

  function fillForm(st) {
    if (input.value.trim() !== st.q) input.value = st.q;
    articles.checked = st.articles;
    from.value = st.from;
    to.value = st.to;
    clearDates.hidden = !(st.from || st.to);
  }

  // Only http(s) addresses become links: a stored url is data, not code.
  function safeUrl(u) {
    try {
      const url = new URL(u);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function plural(n, one, many) {
    return n === 1 ? one : many;
  }

  function showStatus(text, isError) {
    status.textContent = text;
    status.classList.toggle('error', !!isError);
  }

  function clearResults() {
    results.replaceChildren();
    pager.hidden = true;
    months.hidden = true;
    suggestion.hidden = true;
  }

  function renderHit(h) {
    const li = el('li', 'hit');
    const h2 = el('h2');
    const href = h.url ? safeUrl(h.url) : null;
    const title = h.title || h.article_id;
    if (href) {
      const a = el('a', null, title);
      a.href = href;
      h2.append(a);
    } else {
      h2.textContent = title;
    }
    li.append(h2);
    const meta = [];
    if (h.date && DATE.test(h.date)) meta.push(day.format(new Date(h.date + 'T00:00:00Z')));
    if (h.passages > 1) meta.push('passage ' + (h.passage + 1) + ' sur ' + h.passages);
    if (h.other_matching_passages > 0) {
      meta.push(h.other_matching_passages + ' ' +
        plural(h.other_matching_passages, 'autre passage trouvé', 'autres passages trouvés'));
    }
    const p = el('p', 'meta', meta.join(' · '));
    if (href) {
      p.append(meta.length ? ' · ' : '');
      p.append(el('span', 'url', href.replace(/^https?:\/\//, '')));
    }
    li.append(p);
    const snip = el('p', 'snippet');
    snip.innerHTML = h.snippet; // HTML-escaped by the server, <mark> added
    li.append(snip);
    return li;
  }

  function lastDay(ym) {
    const [y, m] = ym.split('-').map(Number);
    return String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0');
  }

  function renderMonths(st, counts) {
    const keys = Object.keys(counts || {}).filter((k) => /^\d{4}-\d{2}$/.test(k)).sort().reverse();
    monthList.replaceChildren();
    months.hidden = keys.length === 0;
    const max = Math.max(1, ...keys.map((k) => counts[k]));
    for (const k of keys) {
      const li = el('li');
      const a = el('a');
      a.href = pageUrl({ ...st, page: 1, from: k + '-01', to: k + '-' + lastDay(k) });
      a.dataset.nav = '';
      const label = month.format(new Date(k + '-01T00:00:00Z'));
      a.setAttribute('aria-label', label + ' : ' + counts[k] + ' ' + plural(counts[k], 'passage', 'passages'));
      const bar = el('span', 'bar');
      bar.style.width = Math.max(4, Math.round((100 * counts[k]) / max)) + '%';
      a.append(el('span', 'name', label), el('span', 'track'), el('span', 'count', num.format(counts[k])));
      a.children[1].append(bar);
      li.append(a);
      monthList.append(li);
    }
  }

  function render(st, data) {
    const total = data.estimated_total;
    const hits = data.hits || [];
    const took = ms.format(data.took_ms) + ' ms';
    if (hits.length === 0 && st.page === 1) {
      showStatus('Aucun résultat pour « ' + st.q + ' » (' + took + ').');
    } else if (hits.length === 0) {
      showStatus('Pas d’autre résultat pour « ' + st.q + ' » (' + took + ').');
    } else {
      const first = (st.page - 1) * PAGE_SIZE + 1;
      showStatus((total > hits.length ? 'Environ ' : '') + num.format(total) + ' ' +
        plural(total, 'résultat', 'résultats') + ' · ' + num.format(first) + ' à ' +
        num.format(first + hits.length - 1) + ' · ' + took);
    }
    if (data.suggestion) {
      suggestionLink.textContent = data.suggestion;
      suggestionLink.href = pageUrl({ ...st, q: data.suggestion, page: 1 });
      suggestion.hidden = false;
    } else {
      suggestion.hidden = true;
    }
    results.replaceChildren(...hits.map(renderHit));
    results.start = (st.page - 1) * PAGE_SIZE + 1;
    const pages = Math.min(MAX_PAGE, Math.max(1, Math.ceil(total / PAGE_SIZE)));
    const hasNext = (st.page - 1) * PAGE_SIZE + hits.length < total && st.page < MAX_PAGE;
    pager.hidden = st.page === 1 && !hasNext;
    prev.href = pageUrl({ ...st, page: st.page - 1 });
    next.href = pageUrl({ ...st, page: st.page + 1 });
    prev.setAttribute('aria-disabled', String(st.page === 1));
    next.setAttribute('aria-disabled', String(!hasNext));
    prev.tabIndex = st.page === 1 ? -1 : 0;
    next.tabIndex = hasNext ? 0 : -1;
    pageInfo.textContent = 'Page ' + st.page + ' sur ' + Math.max(pages, st.page);
    renderMonths(st, facetMonths);
  }

  // The API's messages are for developers (in English); say it in French.
  const ERRORS = {
    query_too_long: 'Cette recherche est trop longue : 1 024 octets au plus.',
    invalid_query: 'Cette recherche ne peut pas être faite : il faut au moins un mot ' +
      'à chercher qui ne soit pas exclu par « - », et 64 éléments au plus.',
    unavailable: 'L’index est momentanément indisponible ; réessayez dans un instant.',
  };

  function errorText(status, data) {
    const code = data && data.error && data.error.code;
    if (ERRORS[code]) return ERRORS[code];
    return 'La recherche a échoué (' + (code || 'erreur ' + status) + ').';
  }

  async function run(st, focusResults) {
    fillForm(st);
    if (inflight) inflight.abort();
    if (!st.q) {
      inflight = null;
      clearResults();
      showStatus('');
      document.title = 'Recherche dans les articles';
      return;
    }
    document.title = st.q + ' — Recherche dans les articles';
    const ctl = new AbortController();
    inflight = ctl;
    results.setAttribute('aria-busy', 'true');
    showStatus('Recherche en cours…');
    try {
      const key = keyOf(st);
      const wantFacets = key !== facetKey;
      const res = await fetch(apiUrl(st, wantFacets), { signal: ctl.signal });
      const data = await res.json().catch(() => null);
      if (!res.ok || !data) throw new Error(errorText(res.status, data));
      if (wantFacets) {
        facetKey = key;
        facetMonths = data.facets && data.facets.month;
      }
      render(st, data);
      if (focusResults) {
        window.scrollTo(0, 0);
        results.focus({ preventScroll: true });
      }
    } catch (e) {
      if (e.name === 'AbortError') return;
      clearResults();
      showStatus(e instanceof TypeError ? 'Le serveur ne répond pas.' : e.message, true);
    } finally {
      if (inflight === ctl) {
        inflight = null;
        results.removeAttribute('aria-busy');
      }
    }
  }

  function go(st, focusResults) {
    history.pushState(null, '', pageUrl(st));
    run(st, focusResults);
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go(formState(), false);
  });

  for (const c of [articles, from, to]) {
    c.addEventListener('change', () => {
      if (input.value.trim()) go(formState(), false);
      else clearDates.hidden = !(from.value || to.value);
    });
  }

  clearDates.addEventListener('click', () => {
    from.value = '';
    to.value = '';
    go(formState(), false);
  });

  // Links inside the page (pages, suggestion, months, home) change the
  // state without reloading; modified clicks keep their usual meaning.
  document.addEventListener('click', (e) => {
    const a = e.target.closest('a');
    if (!a || e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    if (a.getAttribute('aria-disabled') === 'true') {
      e.preventDefault();
      return;
    }
    if (!('nav' in a.dataset)) return;
    e.preventDefault();
    const st = readState(new URL(a.href).search);
    go(st, a === prev || a === next);
    if (a === suggestionLink || a.id === 'home') input.focus();
  });

  for (const a of [prev, next, suggestionLink, $('home')]) a.dataset.nav = '';

  window.addEventListener('popstate', () => run(readState(location.search), false));

  document.addEventListener('keydown', (e) => {
    const t = e.target;
    if (e.key === '/' && !(t instanceof HTMLInputElement) && !(t instanceof HTMLTextAreaElement)) {
      e.preventDefault();
      input.focus();
      input.select();
    }
  });

  const initial = readState(location.search);
  run(initial, false);
  if (!initial.q) input.focus();
})();
