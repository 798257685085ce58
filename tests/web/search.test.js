// SPDX-License-Identifier: MIT
// search.test.js: the search page as a person uses it, in headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core): type a query and
// check the results shown against the API, page forward and back, follow a
// spelling suggestion, filter by a month, and check escaping, the keyboard
// shortcut and that the page logs no error.  Run by tests/web/run.sh, which
// starts the server:  node search.test.js http://127.0.0.1:PORT
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const base = process.argv[2];
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

async function api(query) {
  const res = await fetch(base + '/search?' + new URLSearchParams(query));
  return res.json();
}

async function shownTitles(page) {
  return page.locator('#results .hit h2').allTextContents();
}

// Wait until the results show what the address asks for.
async function settled(page) {
  await page.waitForFunction(() => {
    const r = document.getElementById('results');
    return !r.hasAttribute('aria-busy') && document.getElementById('status').textContent !== '';
  });
}

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'frs-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    locale: 'fr-FR',
    viewport: { width: 1200, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  try {
    const page = ctx.pages()[0] || (await ctx.newPage());
    page.setDefaultTimeout(30000);
    page.on('pageerror', (e) => problems.push('page error: ' + e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push('console: ' + m.text());
    });
    page.on('requestfailed', (r) => {
      if (!/net::ERR_ABORTED/.test(r.failure().errorText)) problems.push('request failed: ' + r.url());
    });

    // --- the empty page
    await page.goto(base + '/');
    check('title of the empty page', (await page.title()) === 'Recherche dans les articles');
    check('the search box has focus', await page.evaluate(() => document.activeElement.id === 'q'));
    check('the search box has a label', (await page.locator('label[for=q]').count()) === 1);
    check('no results yet', (await page.locator('.hit').count()) === 0);

    // --- type a query, see the results
    await page.locator('#q').fill('ville');
    await page.locator('#q').press('Enter');
    await page.waitForURL(/\?q=ville$/);
    await page.locator('.hit').first().waitFor();
    await settled(page);
    const want1 = await api({ q: 'ville', limit: 10, offset: 0, articles: 1 });
    const titles1 = await shownTitles(page);
    check('ten results on the first page (' + titles1.length + ')', titles1.length === 10);
    check('the results are the API\'s, in order',
      JSON.stringify(titles1) === JSON.stringify(want1.hits.map((h) => h.title || h.article_id)));
    const status1 = await page.locator('#status').textContent();
    check('the count and the time are shown (' + status1 + ')', /résultats/.test(status1) && /\d ms/.test(status1));
    check('matches are highlighted', (await page.locator('.hit .snippet mark').count()) >= 5);
    const href = await page.locator('.hit h2 a').first().getAttribute('href');
    check('titles link to the article url (' + href + ')', href === want1.hits[0].url);
    check('the document title names the query', (await page.title()).startsWith('ville'));
    check('month counts are shown', (await page.locator('#month-list li').count()) > 0);

    // --- page forward and back
    await page.locator('#next').click();
    await page.waitForURL(/page=2/);
    await settled(page);
    await page.waitForFunction((t) => document.querySelector('#results .hit h2').textContent !== t, titles1[0]);
    const want2 = await api({ q: 'ville', limit: 10, offset: 10, articles: 1 });
    const titles2 = await shownTitles(page);
    check('page 2 shows the next results',
      titles2.length > 0 && JSON.stringify(titles2) === JSON.stringify(want2.hits.map((h) => h.title || h.article_id)));
    const ids1 = want1.hits.map((h) => h.article_id);
    check('page 2 shares no article with page 1', want2.hits.every((h) => !ids1.includes(h.article_id)));
    check('page 2 is numbered from 11', (await page.locator('#results').getAttribute('start')) === '11');
    check('page 2 says so', /Page 2 sur/.test(await page.locator('#page-info').textContent()));
    check('a previous link on page 2', (await page.locator('#prev').getAttribute('aria-disabled')) === 'false');
    check('month counts stay on page 2', (await page.locator('#month-list li').count()) > 0);
    await page.goBack();
    await page.waitForURL(/\?q=ville$/);
    await settled(page);
    await page.waitForFunction((t) => document.querySelector('#results .hit h2').textContent === t, titles1[0]);
    check('back returns to page 1', JSON.stringify(await shownTitles(page)) === JSON.stringify(titles1));

    // --- a misspelled word, then its suggestion
    await page.locator('#q').fill('eglize');
    await page.locator('#q').press('Enter');
    await page.locator('#suggestion').waitFor({ state: 'visible' });
    await settled(page);
    check('the suggestion is offered',
      /Essayez avec l’orthographe/.test(await page.locator('#suggestion').textContent()) &&
      (await page.locator('#suggestion-link').textContent()) === 'église');
    check('no result for the misspelled word', (await page.locator('.hit').count()) === 0 &&
      /Aucun résultat/.test(await page.locator('#status').textContent()));
    await page.locator('#suggestion-link').click();
    await page.waitForURL(/q=%C3%A9glise/);
    await page.locator('.hit').first().waitFor();
    await settled(page);
    check('following the suggestion fills the box', (await page.locator('#q').inputValue()) === 'église');
    check('following the suggestion finds the church',
      /Église/.test((await shownTitles(page))[0] || ''));
    check('the suggestion is gone', await page.locator('#suggestion').isHidden());

    // --- a month from the counts
    await page.locator('#q').fill('marseille');
    await page.locator('#q').press('Enter');
    await page.locator('#month-list a').first().waitFor();
    await settled(page);
    const monthLink = page.locator('#month-list a').first();
    const monthHref = await monthLink.getAttribute('href');
    const m = /from=(\d{4}-\d{2})-01/.exec(monthHref);
    await monthLink.click();
    await page.waitForURL(/from=/);
    await settled(page);
    check('a month sets the dates (' + monthHref + ')',
      m && (await page.locator('#from').inputValue()) === m[1] + '-01' && (await page.locator('#to').inputValue()).startsWith(m[1]));
    const inMonth = await api({ q: 'marseille', limit: 10, articles: 1, from: m[1] + '-01', to: m[1] + '-28' });
    check('the month\'s results are shown', (await page.locator('.hit').count()) === inMonth.hits.length &&
      inMonth.hits.length > 0);
    await page.locator('#clear-dates').click();
    await page.waitForURL((u) => !u.search.includes('from='));
    await settled(page);
    check('clearing the dates', (await page.locator('#from').inputValue()) === '' &&
      (await page.locator('.hit').count()) === 5);

    // --- escaping: markup in the text is shown as text
    await page.locator('#q').fill('zeugmatron');
    await page.locator('#q').press('Enter');
    await page.locator('.hit').first().waitFor();
    await settled(page);
    const snippet = await page.locator('.hit .snippet').first().textContent();
    check('markup in an article is shown as text', snippet.includes('<script>alert(1)</script> & le'));
    check('and never becomes markup', (await page.locator('#results script').count()) === 0 &&
      (await page.locator('#results b').count()) === 0);
    check('a title with markup is text', (await page.locator('.hit h2').first().textContent()) === 'Balises <b>et</b> esperluettes');

    // --- the keyboard shortcut, and a bookmarked address
    await page.locator('h1').click();
    await page.keyboard.press('/');
    check('"/" goes to the search box', await page.evaluate(() => document.activeElement.id === 'q'));
    await page.goto(base + '/?q=marseille&page=1&articles=0');
    await page.locator('.hit').first().waitFor();
    await settled(page);
    const bookmarked = await api({ q: 'marseille', limit: 10, offset: 0, articles: 0 });
    check('a bookmarked address shows its results (' + bookmarked.hits.length + ')',
      (await page.locator('#q').inputValue()) === 'marseille' && !(await page.locator('#articles').isChecked()) &&
      bookmarked.hits.length > 1 && (await page.locator('.hit').count()) === bookmarked.hits.length);
    if (process.env.SHOT) await page.screenshot({ path: process.env.SHOT, fullPage: true });

    check('no error in the page (' + problems.join('; ') + ')', problems.length === 0);

    // --- a query that cannot be run: a French message, no stale results
    await page.locator('#q').fill('-marseille');
    await page.locator('#q').press('Enter');
    await page.waitForFunction(() => document.getElementById('status').classList.contains('error'));
    check('an invalid query is explained in French',
      /au moins un mot/.test(await page.locator('#status').textContent()) &&
      (await page.locator('.hit').count()) === 0);
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
