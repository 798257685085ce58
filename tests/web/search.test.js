// SPDX-License-Identifier: MIT
// search.test.js: the search page (InstantSearch over frs's Meilisearch
// API) as a person uses it, in headless Chromium (Debian's /usr/bin/chromium
// driven by playwright-core): type a query and check the results shown
// against the API, the highlighting, refine by a year and by a month, sort
// by date, page forward and back, follow a « Vouliez-vous dire »
// suggestion, a bookmarked address, escaping, the keyboard shortcut, and
// that the page logs no error.  Run by tests/web/run.sh, which starts the
// server:  node search.test.js http://127.0.0.1:PORT UID
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const base = process.argv[2];
const uid = process.argv[3];
let pass = 0;
let fail = 0;

function check(desc, cond) {
  if (cond) {
    pass++;
  } else {
    fail++;
    console.error('FAIL: ' + desc);
  }
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// The API's answer for a search the page would make.
async function api(body) {
  const res = await fetch(`${base}/indexes/${uid}/search`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ hitsPerPage: 10, page: 1, ...body }),
  });
  return res.json();
}

const shownIds = (page) => page.locator('#hits .hit').evaluateAll((els) => els.map((e) => e.dataset.id));
const shownDates = (page) => page.locator('#hits .hit').evaluateAll((els) => els.map((e) => e.dataset.date));
const statsText = (page) => page.locator('#stats').textContent();

// Wait until the hits shown are ids (after InstantSearch rendered).
async function showing(page, ids) {
  await page.waitForFunction((want) => {
    const got = [...document.querySelectorAll('#hits .hit')].map((e) => e.dataset.id);
    return JSON.stringify(got) === JSON.stringify(want);
  }, ids, { timeout: 15000 }).catch(() => {});
  return same(await shownIds(page), ids);
}

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'frs-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    locale: 'fr-FR',
    viewport: { width: 1200, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  try {
    const page = ctx.pages()[0] || (await ctx.newPage());
    page.setDefaultTimeout(20000);
    page.on('pageerror', (e) => problems.push('page error: ' + e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push('console: ' + m.text());
    });
    page.on('requestfailed', (r) => {
      if (!/net::ERR_ABORTED/.test(r.failure().errorText)) problems.push('request failed: ' + r.url());
    });
    const box = page.locator('#searchbox input');

    // --- the page before any query: every article, newest facets
    await page.goto(base + '/');
    const everything = await api({ q: '' });
    check('the page opens on every article', await showing(page, everything.hits.map((h) => h.id)));
    check('title of the page', (await page.title()) === 'Recherche dans les articles');
    check('the page is in French', (await page.getAttribute('html', 'lang')) === 'fr');
    check('the search box has focus', await box.evaluate((e) => document.activeElement === e));
    check('the count of every article (' + (await statsText(page)) + ')',
      new RegExp(`^${everything.totalHits} résultats`).test(await statsText(page)));
    check('the sort choices are in French', same(await page.locator('#sort option').allTextContents(),
      ['Pertinence', 'Plus récents', 'Plus anciens']));

    // --- typing a query: the API's articles, highlighted
    await box.click();
    await page.keyboard.type('ville', { delay: 30 });
    await page.waitForURL(/query%5D=ville|query]=ville/);
    const ville = await api({ q: 'ville' });
    check('typing shows the API\'s results in order', await showing(page, ville.hits.map((h) => h.id)));
    const st = await statsText(page);
    check('the count, the time and the page (' + st + ')',
      st.startsWith(`${ville.totalHits} résultats (`) && /\d ms\)/.test(st) && /page 1 sur 2/.test(st));
    const marks = await page.locator('#hits .snippet mark').allTextContents();
    check('matches are highlighted (' + marks.length + ')', marks.length >= 8 && marks.every((m) => /^villes?$/i.test(m)));
    check('titles are highlighted too', (await page.locator('#hits h2 mark').count()) >= 1);
    const href = await page.locator('#hits .hit h2 a').first().getAttribute('href');
    check('titles link to the article (' + href + ')', href === ville.hits[0].url);

    // --- pages
    await page.locator('.ais-Pagination-item--page a', { hasText: '2' }).click();
    const ville2 = await api({ q: 'ville', page: 2 });
    check('page 2 shows the API\'s page 2', await showing(page, ville2.hits.map((h) => h.id)));
    await page.waitForURL(/page%5D=2|page]=2/).catch(() => {});
    check('page 2 is in the address', /page%5D=2|page]=2/.test(page.url()));
    check('page 2 says so', /page 2 sur 2/.test(await statsText(page)));
    await page.goBack();
    check('back returns to page 1', await showing(page, ville.hits.map((h) => h.id)));

    // --- refine by a year
    const y = page.locator('#years .ais-RefinementList-item').first();
    const yLabel = (await y.locator('.ais-RefinementList-labelText').textContent()).trim();
    const yCount = +(await y.locator('.ais-RefinementList-count').textContent());
    await y.locator('input').check();
    const inYear = await api({ q: 'ville', filter: [[`year = ${yLabel}`]] });
    check(`refining by ${yLabel} shows its ${yCount} articles`, await showing(page, inYear.hits.map((h) => h.id)) &&
      inYear.totalHits === yCount && (await shownDates(page)).every((d) => d.startsWith(yLabel)));
    check('the refinement is shown, in French', /Année/.test(await page.locator('#current').textContent()));
    await y.locator('input').uncheck();
    check('and it can be removed', await showing(page, ville.hits.map((h) => h.id)));

    // --- refine by a month: French names, the API's articles
    const m = page.locator('#months .ais-RefinementList-item').first();
    const mLabel = (await m.locator('.ais-RefinementList-labelText').textContent()).trim();
    const mCount = +(await m.locator('.ais-RefinementList-count').textContent());
    check('months are named in French (' + mLabel + ')',
      /^(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}$/.test(mLabel));
    await m.locator('input').check();
    await page.waitForFunction(() => document.querySelectorAll('#hits .hit').length > 0 &&
      [...document.querySelectorAll('#hits .hit')].every((e, _, all) => e.dataset.date.slice(0, 7) === all[0].dataset.date.slice(0, 7)));
    const dates = await shownDates(page);
    const month = dates[0].slice(0, 7);
    const inMonth = await api({ q: 'ville', filter: [[`month = "${month}"`]] });
    check(`refining by ${mLabel} shows its ${mCount} articles`,
      same(await shownIds(page), inMonth.hits.map((h) => h.id)) && inMonth.totalHits === mCount);
    await m.locator('input').uncheck();
    await showing(page, ville.hits.map((h) => h.id));

    // --- sort by date
    await page.locator('#sort select').selectOption({ label: 'Plus récents' });
    const newest = await api({ q: 'ville', sort: ['date:desc'] });
    check('« Plus récents » shows the newest first', await showing(page, newest.hits.map((h) => h.id)));
    const nd = (await shownDates(page)).filter((d) => d);
    check('dates go down', nd.length > 3 && nd.every((d, i) => i === 0 || nd[i - 1] >= d));
    await page.locator('#sort select').selectOption({ label: 'Plus anciens' });
    const oldest = await api({ q: 'ville', sort: ['date:asc'] });
    check('« Plus anciens » shows the oldest first', await showing(page, oldest.hits.map((h) => h.id)));
    await page.locator('#sort select').selectOption({ label: 'Pertinence' });

    // --- a misspelling, and its suggestion
    await box.fill('eglize');
    await page.locator('#suggestion').waitFor({ state: 'visible' });
    check('« Vouliez-vous dire » is offered',
      (await page.locator('#suggestion').textContent()).trim() === 'Vouliez-vous dire : église ?');
    check('no result for the misspelling', (await page.locator('#hits .hit').count()) === 0 &&
      /Aucun résultat/.test(await statsText(page)));
    await page.locator('#suggestion-link').click();
    const eglise = await api({ q: 'église' });
    check('following it searches for the correction', await showing(page, eglise.hits.map((h) => h.id)) &&
      (await box.inputValue()) === 'église' && eglise.hits.length > 0);
    check('and the suggestion goes away', await page.locator('#suggestion').isHidden());

    // --- escaping: markup in a title is text
    await box.fill('zeugmatron');
    await page.locator('#hits .hit').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#hits .hit').length === 1);
    check('a title with markup is shown as text',
      (await page.locator('#hits .hit h2').textContent()) === 'Balises <b>et</b> esperluettes' &&
      (await page.locator('#hits b, #hits script').count()) === 0);

    // --- the keyboard shortcut, a bookmarked address
    await page.locator('h1').click();
    await page.keyboard.press('/');
    check('"/" goes to the search box', await box.evaluate((e) => document.activeElement === e));
    await page.goto(`${base}/?${encodeURIComponent(uid + '[query]')}=marseille&${encodeURIComponent(uid + '[page]')}=1`);
    const marseille = await api({ q: 'marseille' });
    check('a bookmarked address shows its results (' + marseille.hits.length + ')',
      marseille.hits.length > 1 && (await showing(page, marseille.hits.map((h) => h.id))) &&
      (await box.inputValue()) === 'marseille');
    if (process.env.SHOT) await page.screenshot({ path: process.env.SHOT, fullPage: true });
    check('no error in the page (' + problems.join('; ') + ')', problems.length === 0);
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main()
  .catch((e) => {
    fail++;
    console.error('FAIL: ' + (e && e.stack ? e.stack : e));
  })
  .finally(() => {
    console.log(`web: ${pass} passed, ${fail} failed`);
    process.exitCode = fail ? 1 : 0;
  });
