// Every label in both catalogues, with the same placeholders; no text outside them in the views.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, readdirSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import path from 'node:path';
import {catalogs, createTranslator, placeholders} from '../../signaling/web/app/js/i18n.js';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../signaling/web/app');

test('Vietnamese and English have the same keys', () => {
    assert.deepEqual(Object.keys(catalogs.en).sort(), Object.keys(catalogs.vi).sort());
});

test('each text uses the same placeholders in both languages', () => {
    for (const key of Object.keys(catalogs.vi)) {
        assert.deepEqual(placeholders(catalogs.en[key]), placeholders(catalogs.vi[key]), key);
    }
});

test('no text is empty and Vietnamese keeps its diacritics', () => {
    for (const [lang, catalog] of Object.entries(catalogs)) {
        for (const [key, text] of Object.entries(catalog)) assert.ok(text.trim().length > 0, `${lang} ${key}`);
    }
    assert.equal(createTranslator('vi')('chair.start'), 'Khai mạc');
    assert.equal(createTranslator('en')('status.floorLeft', {seconds: 42}), 'You have the floor (42 s left)');
    assert.equal(createTranslator('xx').language, 'vi');
});

// Every t('key') the scripts use exists: a label added in code but not in the catalogues fails.
test('every key the scripts use is in the catalogues', () => {
    const used = new Set();
    for (const file of readdirSync(path.join(appDir, 'js'))) {
        if (!file.endsWith('.js') || file.startsWith('catalog-')) continue;
        const source = readFileSync(path.join(appDir, 'js', file), 'utf8');
        for (const m of source.matchAll(/\bt\('([a-zA-Z_.]+)'/g)) used.add(m[1]);
        for (const m of source.matchAll(/data-i18n="([a-zA-Z_.]+)"/g)) used.add(m[1]);
    }
    const html = readFileSync(path.join(appDir, 'index.html'), 'utf8');
    for (const m of html.matchAll(/data-i18n(?:-label)?="([a-zA-Z_.]+)"/g)) used.add(m[1]);
    assert.ok(used.size > 20, `only ${used.size} keys found: is the scan broken?`);
    for (const key of used) assert.ok(key in catalogs.vi, `missing key ${key}`);
});
