// SPDX-License-Identifier: MIT
// meili.test.mjs: the official Meilisearch JavaScript client (npm package
// `meilisearch`, tests/web/package.json) against `query --serve`: health,
// version, the index, search (POST and GET), filters (string and array),
// sort by date, facets, pages, highlighting and cropping, ranking scores,
// multi-search, stats, the suggestion, the errors the client raises,
// documents (getDocument, getDocuments), settings and facet search.
// Expected values come from frs's own API (/search) on the same index, or
// from the definition of the parameter.  Run by tests/web/run.sh:
//   node meili.test.mjs http://127.0.0.1:PORT UID
import { Meilisearch, MeilisearchApiError } from 'meilisearch';

const [base, uid] = process.argv.slice(2);
let pass = 0;
let fail = 0;
function check(desc, cond) {
  if (cond) pass++;
  else {
    fail++;
    console.error('FAIL: ' + desc);
  }
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// frs's own API: the ids of every article matching q (one hit each)
async function frsIds(q, extra = {}) {
  const res = await fetch(base + '/search?' + new URLSearchParams({ q, articles: 1, limit: 100, ...extra }));
  return (await res.json()).hits.map((h) => h.article_id);
}

// the error a call raises
async function raised(p) {
  try {
    await p;
  } catch (e) {
    return e;
  }
  return null;
}

async function main() {
  const client = new Meilisearch({ host: base });
  const index = client.index(uid);

  check('health', same(await client.health(), { status: 'available' }) && (await client.isHealthy()));
  check('version', typeof (await client.getVersion()).pkgVersion === 'string');
  const info = await client.getIndex(uid);
  check('the index (' + info.uid + ')', info.uid === uid && info.primaryKey === 'id' && info.updatedAt instanceof Date);
  const list = await client.getIndexes();
  check('the list of indexes', list.total === 1 && list.results[0].uid === uid);

  // --- search, POST and GET: the articles frs finds, in its order
  const want = await frsIds('vélo');
  const r = await index.search('vélo', { limit: 20 });
  check('search: the hits are frs\'s articles in order (' + r.hits.length + ')',
    want.length >= 2 && same(r.hits.map((h) => h.id), want));
  check('search: estimatedTotalHits counts them', r.estimatedTotalHits === want.length);
  check('search: the response fields', r.query === 'vélo' && r.limit === 20 && r.offset === 0 &&
    Number.isInteger(r.processingTimeMs));
  const h0 = r.hits[0];
  check('a hit is an article', typeof h0.title === 'string' && /^https:/.test(h0.url) &&
    /^\d{4}-\d\d-\d\d$/.test(h0.date) && h0.year === +h0.date.slice(0, 4) && h0.month === h0.date.slice(0, 7) &&
    h0.timestamp === Date.parse(h0.date + 'T00:00:00Z') / 1000 && /vélo/i.test(h0.passage));
  const g = await index.searchGet('vélo', { limit: 20 });
  check('searchGet gives the same hits', same(g.hits, r.hits));
  const some = await index.search('vélo', { attributesToRetrieve: ['id', 'date'] });
  check('attributesToRetrieve', same(Object.keys(some.hits[0]).sort(), ['date', 'id']));

  // --- filters
  const y2023 = await frsIds('ville', { from: '2023-01-01', to: '2023-12-31' });
  const f = await index.search('ville', { filter: 'year = 2023', limit: 100 });
  check('filter year = 2023: frs\'s articles of 2023 (' + f.hits.length + ')',
    y2023.length > 0 && same(f.hits.map((h) => h.id), y2023));
  const fg = await index.searchGet('ville', { filter: 'year = 2023', limit: 100 });
  check('searchGet with a filter', same(fg.hits.map((h) => h.id), y2023));
  const range = await index.search('', { filter: 'date 2023-07-01 TO 2023-07-31', limit: 100 });
  check('filter TO: July 2023 only (' + range.hits.length + ')', range.hits.length > 0 &&
    range.hits.every((h) => h.month === '2023-07'));
  const arr = await index.search('', {
    filter: [['month = "2023-07"', 'month = "2024-05"'], 'year >= 2024'], limit: 100,
  });
  check('array filter: (A OR B) AND C', arr.hits.length > 0 && arr.hits.every((h) => h.month === '2024-05'));
  const not = await index.search('', { filter: 'NOT year IN [2023, 2024]', limit: 100 });
  const all = await index.search('', { limit: 1000 });
  check('NOT IN keeps undated articles and the other years',
    not.estimatedTotalHits === all.hits.filter((h) => h.year !== 2023 && h.year !== 2024).length &&
    not.hits.some((h) => h.date === undefined));
  const ts = Date.parse('2024-01-01T00:00:00Z') / 1000;
  const since = await index.search('', { filter: `timestamp >= ${ts}`, limit: 1000 });
  check('a timestamp filter', since.hits.length > 0 && since.estimatedTotalHits ===
    all.hits.filter((h) => h.timestamp >= ts).length);

  // --- sort by date
  const desc = await index.search('', { sort: ['date:desc'], limit: 1000 });
  const dated = desc.hits.filter((h) => h.date);
  check('sort date:desc: newest first, undated last', dated.length > 10 &&
    dated.every((h, i) => i === 0 || dated[i - 1].date >= h.date) &&
    desc.hits.slice(dated.length).every((h) => !h.date));
  const asc = await index.search('ville', { sort: ['date:asc'], limit: 100 });
  const ad = asc.hits.filter((h) => h.date);
  check('sort date:asc on a query: the same articles, oldest first',
    same(asc.hits.map((h) => h.id).sort(), (await frsIds('ville')).sort()) &&
    ad.every((h, i) => i === 0 || ad[i - 1].date <= h.date));

  // --- facets, counted in articles
  const fc = await index.search('', { facets: ['year', 'month'], limit: 0 });
  const years = fc.facetDistribution.year;
  const stats = await index.getStats();
  check('facets: every dated article once in the years',
    Object.values(years).reduce((a, b) => a + b, 0) === stats.fieldDistribution.date);
  const byYear = {};
  for (const [m, n] of Object.entries(fc.facetDistribution.month)) byYear[m.slice(0, 4)] = (byYear[m.slice(0, 4)] || 0) + n;
  check('facets: months add up to their years', same(byYear, years));
  check('facetStats: the years\' range', fc.facetStats.year.min === Math.min(...Object.keys(years).map(Number)) &&
    fc.facetStats.year.max === Math.max(...Object.keys(years).map(Number)));
  const fv = await index.search('vélo', { facets: ['year'] });
  check('facets of a query count its articles', Object.values(fv.facetDistribution.year).reduce((a, b) => a + b, 0) ===
    fv.hits.filter((h) => h.date).length);

  // --- pages
  const eight = await index.search('ville', { limit: 8 });
  const p2 = await index.search('ville', { hitsPerPage: 4, page: 2 });
  check('page 2 of 4 is hits 5 to 8', same(p2.hits, eight.hits.slice(4, 8)));
  check('page mode: exact totalHits and totalPages', p2.totalHits === eight.estimatedTotalHits &&
    p2.totalPages === Math.ceil(p2.totalHits / 4) && p2.page === 2 && p2.hitsPerPage === 4 &&
    p2.estimatedTotalHits === undefined);

  // --- highlighting and cropping
  const hl = await index.search('vélo', {
    attributesToHighlight: ['*'], highlightPreTag: '<b>', highlightPostTag: '</b>',
  });
  const fm = hl.hits[0]._formatted;
  check('highlight: the passage marks the query', /<b>vélo<\/b>/i.test(fm.passage) &&
    fm.passage.replace(/<\/?b>/g, '').replace(/\s+/g, ' ') === hl.hits[0].passage.replace(/\s+/g, ' '));
  check('_formatted holds every attribute, as strings', fm.id === hl.hits[0].id && fm.year === String(hl.hits[0].year));
  const cr = await index.search('vélo', { attributesToCrop: ['passage'], cropLength: 6, cropMarker: '[…]' });
  const cp = cr.hits[0]._formatted.passage;
  check('crop: about six words around a match (' + cp + ')',
    cp.replace(/\[…\]/g, ' ').trim().split(/\s+/).length <= 6 && /vélo/i.test(cp) && cp.includes('[…]') &&
    !/<em>/.test(cp));
  const both = await index.search('vélo', { attributesToCrop: ['passage:4'], attributesToHighlight: ['passage'] });
  check('crop name:N with the default tags', /<em>vélo<\/em>/i.test(both.hits[0]._formatted.passage) &&
    both.hits[0]._formatted.passage.replace(/…/g, ' ').trim().split(/\s+/).length <= 4);

  // --- ranking scores
  const sc = await index.search('ville', { showRankingScore: true, limit: 20 });
  const scores = sc.hits.map((h) => h._rankingScore);
  check('_rankingScore: the best is 1, all in [0, 1], best first', scores[0] === 1 &&
    scores.every((s, i) => s >= 0 && s <= 1 && (i === 0 || scores[i - 1] >= s)));

  // --- multi-search, the suggestion, stats
  const ms = await client.multiSearch({ queries: [
    { indexUid: uid, q: 'vélo', limit: 1 },
    { indexUid: uid, q: 'eglize' },
  ] });
  check('multi-search', ms.results.length === 2 && ms.results[0].indexUid === uid &&
    ms.results[0].hits[0].id === want[0]);
  check('a misspelling gets a suggestion', ms.results[1].suggestion === 'église');
  const gs = await client.getStats();
  check('global stats', gs.indexes[uid].numberOfDocuments === stats.numberOfDocuments &&
    stats.numberOfDocuments === all.estimatedTotalHits && typeof gs.lastUpdate === 'string');

  // --- errors
  let e = await raised(index.search('ville', { filter: 'title = x' }));
  check('a bad filter raises MeilisearchApiError invalid_search_filter (400)',
    e instanceof MeilisearchApiError && e.cause.code === 'invalid_search_filter' && e.response.status === 400 &&
    e.cause.type === 'invalid_request' && /title/.test(e.message));
  e = await raised(index.search('ville', { sort: ['title:asc'] }));
  check('an unsortable attribute', e instanceof MeilisearchApiError && e.cause.code === 'invalid_search_sort');
  e = await raised(client.index('nope').search('ville'));
  check('another index: index_not_found (404)', e instanceof MeilisearchApiError && e.cause.code === 'index_not_found' &&
    e.response.status === 404);
  e = await raised(index.addDocuments([{ id: 'x', body: 'y' }]));
  check('adding documents: read_only_api (405), naming frs-indexer', e instanceof MeilisearchApiError &&
    e.cause.code === 'read_only_api' && e.response.status === 405 && /frs-indexer/.test(e.message));
  e = await raised(index.updateSettings({ searchableAttributes: ['title'] }));
  check('changing settings: read_only_api', e instanceof MeilisearchApiError && e.cause.code === 'read_only_api');
  e = await raised(client.deleteIndex(uid));
  check('deleting the index: read_only_api', e instanceof MeilisearchApiError && e.cause.code === 'read_only_api');
  check('the index is still there', (await index.search('vélo')).hits.length === want.length);

  // --- documents, settings, facet search
  const h1 = all.hits.find((h) => h.date && h.url);
  const doc = await index.getDocument(h1.id);
  const fromFrs = await (await fetch(base + '/search?' + new URLSearchParams({ q: h1.title, articles: 1, limit: 100 }))).json();
  check('getDocument: the article as its hit shows it, with its whole body',
    ['id', 'title', 'url', 'date', 'year', 'month', 'timestamp'].every((k) => doc[k] === h1[k]) &&
    typeof doc.body === 'string' && doc.body.length > h1.passage.length && doc.body.includes(h1.passage) &&
    fromFrs.hits.some((x) => x.article_id === h1.id));
  const few = await index.getDocument(h1.id, { fields: ['id', 'year'] });
  check('getDocument with fields', same(few, { id: h1.id, year: h1.year }));
  e = await raised(index.getDocument('inconnu-42'));
  check('getDocument of an unknown id: document_not_found (404)', e instanceof MeilisearchApiError &&
    e.cause.code === 'document_not_found' && e.response.status === 404);
  const seen = [];
  for (let offset = 0; offset < all.estimatedTotalHits; offset += 9) {
    const page = await index.getDocuments({ offset, limit: 9, fields: ['id'] });
    check('getDocuments: a page (' + offset + ')', page.offset === offset && page.limit === 9 &&
      page.total === all.estimatedTotalHits && page.results.every((d) => same(Object.keys(d), ['id'])));
    seen.push(...page.results.map((d) => d.id));
  }
  check('getDocuments: pages go over every article once', seen.length === all.estimatedTotalHits &&
    same([...new Set(seen)].sort(), all.hits.map((h) => h.id).sort()));
  const d24 = await index.getDocuments({ filter: 'year = 2024', limit: 100 });
  check('getDocuments with a filter (POST /documents/fetch)', d24.total === all.hits.filter((h) => h.year === 2024).length &&
    d24.results.length === d24.total && d24.results.every((d) => d.year === 2024 && typeof d.body === 'string'));
  const settings = await index.getSettings();
  check('getSettings', same(settings.filterableAttributes, ['year', 'month', 'date', 'timestamp']) &&
    same(settings.sortableAttributes, ['date', 'timestamp']) && settings.pagination.maxTotalHits === 1000 &&
    settings.typoTolerance.enabled === false);
  check('getFilterableAttributes', same(await index.getFilterableAttributes(), settings.filterableAttributes));
  check('getSortableAttributes and getPagination', same(await index.getSortableAttributes(), settings.sortableAttributes) &&
    same(await index.getPagination(), { maxTotalHits: 1000 }));
  const fvy = await index.searchForFacetValues({ facetName: 'year', facetQuery: '202' });
  check('searchForFacetValues: the years of the facets, with their counts',
    same(fvy.facetHits, Object.entries(years).filter(([y]) => y.startsWith('202')).sort().map(([value, count]) => ({ value, count }))) &&
    fvy.facetHits.length > 1 && fvy.facetQuery === '202');
  const fvq = await index.searchForFacetValues({ facetName: 'month', q: 'vélo' });
  const vm = (await index.search('vélo', { facets: ['month'], limit: 0 })).facetDistribution.month;
  check('searchForFacetValues with q: counted over its articles',
    same(fvq.facetHits, Object.entries(vm).sort().map(([value, count]) => ({ value, count }))) && fvq.facetHits.length > 0);
  e = await raised(index.searchForFacetValues({ facetName: 'title' }));
  check('searchForFacetValues on another attribute: invalid_facet_search_facet_name',
    e instanceof MeilisearchApiError && e.cause.code === 'invalid_facet_search_facet_name');
}

main()
  .catch((e) => {
    fail++;
    console.error('FAIL: ' + (e && e.stack ? e.stack : e));
  })
  .finally(() => {
    console.log(`meilisearch client: ${pass} passed, ${fail} failed`);
    process.exitCode = fail ? 1 : 0;
  });
