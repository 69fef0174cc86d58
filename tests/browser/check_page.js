#!/usr/bin/env node
// Static checks of the demo page that need no browser and no server: the inline script parses,
// nothing is loaded from the network, and the hooks the browser test relies on are present.
// Usage: node check_page.js <demo.html>
'use strict';

const fs = require('node:fs');
const vm = require('node:vm');

function check(html) {
  const failures = [];
  const expect = (cond, what) => { if (!cond) failures.push(what); };

  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  expect(scripts.length === 1, `exactly one inline <script> (found ${scripts.length})`);
  for (const [, attrs, body] of scripts) {
    expect(!/\bsrc\s*=/i.test(attrs), '<script> has no src attribute');
    try {
      // Compiles without running: catches syntax errors that would leave the page dead.
      new vm.Script(body, { filename: 'demo.html<script>' });
    } catch (err) {
      failures.push(`inline script compiles: ${err.message}`);
    }
  }

  // No external resources: the deployment network has no internet and no CDN.
  expect(!/<link\b[^>]*\bhref\s*=\s*(?!["']?data:)/i.test(html),
         'no <link href> other than data: (stylesheets, fonts, icons)');
  expect(!/\bsrc\s*=\s*["']?(https?:)?\/\//i.test(html), 'no src= to another host');
  expect(!/@import\b/i.test(html), 'no CSS @import');
  expect(!/url\(\s*["']?(https?:)?\/\//i.test(html), 'no CSS url() to another host');
  expect(!/fetch\(\s*["'`]https?:/i.test(html), 'no fetch() to an absolute URL');

  expect(/<meta charset="utf-8">/i.test(html), 'declares UTF-8');
  for (const id of ['meeting', 'publishBtn', 'watchBtn', 'stopBtn', 'status', 'localVideo',
                    'remoteVideo', 'statsBody']) {
    expect(new RegExp(`id="${id}"`).test(html), `element #${id} exists`);
  }
  for (const needle of ['window.vcbStats', "'/whip/'", "'/whep/'", "method: 'DELETE'",
                        'setCodecPreferences', "'application/sdp'", "get('autostart')",
                        "get('meeting')", 'framesDecoded', 'framesEncoded', 'packetsLost']) {
    expect(html.includes(needle), `script uses ${needle}`);
  }
  return failures;
}

function main() {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: check_page.js <demo.html>');
    return 2;
  }
  const failures = check(fs.readFileSync(file, 'utf8'));
  for (const f of failures) console.log(`FAIL: ${f}`);
  console.log(failures.length === 0 ? `demo page checks passed (${file})` : `${failures.length} check(s) failed`);
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = main();
