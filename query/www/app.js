// SPDX-License-Identifier: MIT
// app.js: the search page: InstantSearch widgets over frs's Meilisearch API
// (the index the server names in <meta name="frs-index">, else "index"):
// a search box, the hits with their title and best passage highlighted,
// the count and time, sorting by relevance or date, years and months to
// refine, pages, and frs's « Vouliez-vous dire » suggestion.  The state is
// in the address (InstantSearch's router), so searches can be bookmarked
// and the back button works.  Bundled by esbuild at build time (Makefile).
import instantsearch from 'instantsearch.js';
import { configure, currentRefinements, hits, pagination, refinementList, searchBox, sortBy, stats }
  from 'instantsearch.js/es/widgets';
import { instantMeiliSearch } from '@meilisearch/instant-meilisearch';

const num = new Intl.NumberFormat('fr-FR');
const day = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'UTC' });
const monthName = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const frenchMonth = (m) => monthName.format(new Date(m + '-01T00:00:00Z'));

// frs adds a "suggestion" to each search result; the adapter keeps only
// Meilisearch's fields, so the raw answers are read here, by query.
const suggestions = new Map();
const errorBox = document.getElementById('error');
async function httpClient(url, init) {
  const res = await fetch(url, init);
  const text = await res.text();
  const body = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    errorBox.textContent = 'La recherche a échoué : ' + ((body && body.message) || res.status);
    errorBox.hidden = false;
    throw new Error((body && body.message) || String(res.status));
  }
  errorBox.hidden = true;
  for (const r of (body && body.results) || []) {
    if (typeof r.query === 'string') suggestions.set(r.query, r.suggestion || null);
  }
  return body;
}

function start(uid) {
const { searchClient, setMeiliSearchParams } = instantMeiliSearch(location.origin, '', {
  finitePagination: true,
  httpClient,
});
// undated articles have no year or month: nothing to refine
setMeiliSearchParams({ attributesToHighlight: ['title', 'passage'] });

const search = instantsearch({
  indexName: uid,
  searchClient,
  routing: true,
  future: { preserveSharedStateOnUnmount: true },
});

// the suggestion, as a widget of its own: drawn after each answer
function suggestionWidget(container, uid) {
  const el = document.querySelector(container);
  let helper = null;
  return {
    $$type: 'frs.suggestion',
    init(opts) {
      helper = opts.helper;
    },
    render({ results }) {
      const q = results ? results.query : '';
      const s = q ? suggestions.get(q) : null;
      el.replaceChildren();
      el.hidden = !s;
      if (!s) return;
      const a = document.createElement('a');
      a.href = '?' + new URLSearchParams({ [uid + '[query]']: s });
      a.id = 'suggestion-link';
      a.textContent = s;
      a.addEventListener('click', (ev) => {
        ev.preventDefault();
        helper.setQuery(s).setPage(0).search();
      });
      el.append('Vouliez-vous dire : ', a, ' ?');
    },
  };
}

function hitTemplate(hit, { html, components }) {
  const title = hit.title
    ? components.Highlight({ hit, attribute: 'title', highlightedTagName: 'mark' })
    : hit.id;
  return html`<article class="hit" data-id=${hit.id} data-date=${hit.date || ''}>
    <h2><a href=${hit.url || '#'}>${title}</a></h2>
    <p class="meta">${hit.date ? day.format(new Date(hit.date + 'T00:00:00Z')) : 'sans date'}</p>
    <p class="snippet">${components.Snippet({ hit, attribute: 'passage', highlightedTagName: 'mark' })}</p>
  </article>`;
}

search.addWidgets([
  configure({ hitsPerPage: 10, attributesToSnippet: ['passage:40'], snippetEllipsisText: '…' }),
  searchBox({
    container: '#searchbox',
    placeholder: 'Rechercher : mots, "expression exacte", -exclu…',
    autofocus: true,
    showLoadingIndicator: true,
    searchAsYouType: true,
    templates: {
      submit: (_, { html }) => html`<span class="visually-hidden">Rechercher</span>`,
      reset: (_, { html }) => html`<span class="visually-hidden">Effacer</span>`,
    },
    cssClasses: { input: 'q' },
  }),
  stats({
    container: '#stats',
    templates: {
      text: (d, { html }) => (d.nbHits === 0
        ? html`Aucun résultat`
        : html`${num.format(d.nbHits)} résultat${d.nbHits > 1 ? 's' : ''} (${num.format(d.processingTimeMS)} ms)${d.nbPages > 1 ? html` · page ${num.format(d.page + 1)} sur ${num.format(d.nbPages)}` : ''}`),
    },
  }),
  sortBy({
    container: '#sort',
    items: [
      { label: 'Pertinence', value: uid },
      { label: 'Plus récents', value: uid + ':date:desc' },
      { label: 'Plus anciens', value: uid + ':date:asc' },
    ],
    cssClasses: { select: 'sort-select' },
  }),
  hits({
    container: '#hits',
    templates: {
      item: hitTemplate,
      empty: (r, { html }) => html`<p class="empty">Aucun article ne contient « ${r.query} ».</p>`,
    },
  }),
  refinementList({
    container: '#years',
    attribute: 'year',
    sortBy: ['name:desc'],
    limit: 12,
    showMore: true,
    showMoreLimit: 100,
    templates: {
      showMoreText: (d, { html }) => html`${d.isShowingMore ? 'Moins' : 'Plus'}`,
    },
  }),
  refinementList({
    container: '#months',
    attribute: 'month',
    sortBy: ['name:desc'],
    limit: 12,
    showMore: true,
    showMoreLimit: 240,
    transformItems: (items) => items.map((it) => ({ ...it, label: frenchMonth(it.value), highlighted: frenchMonth(it.value) })),
    templates: {
      showMoreText: (d, { html }) => html`${d.isShowingMore ? 'Moins' : 'Plus'}`,
    },
  }),
  currentRefinements({
    container: '#current',
    transformItems: (items) => items.map((it) => ({
      ...it,
      label: it.attribute === 'year' ? 'Année' : 'Mois',
      refinements: it.refinements.map((r) => ({
        ...r, label: it.attribute === 'month' ? frenchMonth(String(r.value)) : String(r.value),
      })),
    })),
  }),
  pagination({
    container: '#pagination',
    padding: 2,
    showFirst: false,
    showLast: false,
    templates: {
      previous: (_, { html }) => html`← Précédents`,
      next: (_, { html }) => html`Suivants →`,
    },
  }),
  suggestionWidget('#suggestion', uid),
]);

search.start();
}

fetch('/indexes')
  .then((res) => res.json())
  .then((d) => start(d.results[0].uid))
  .catch((e) => {
    errorBox.textContent = 'Le service de recherche ne répond pas : ' + e.message;
    errorBox.hidden = false;
  });

// "/" goes to the search box
document.addEventListener('keydown', (ev) => {
  const box = document.querySelector('#searchbox input');
  if (ev.key === '/' && document.activeElement !== box && box) {
    ev.preventDefault();
    box.focus();
  }
});
