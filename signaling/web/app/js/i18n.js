// Message catalogues: every text the page shows comes from catalog-vi.js or catalog-en.js, by key.
// Vietnamese is the default; the choice is kept in localStorage. Placeholders: {name}.
import vi from './catalog-vi.js';
import en from './catalog-en.js';

export const catalogs = {vi, en};
export const defaultLanguage = 'vi';

export function format(text, params = {}) {
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

export function createTranslator(language) {
    const catalog = catalogs[language] || catalogs[defaultLanguage];
    const fallback = catalogs[defaultLanguage];
    const t = (key, params) => {
        const text = catalog[key] ?? fallback[key];
        // A missing key shows itself, so it is seen in the page and caught by the catalogue test.
        return text === undefined ? key : format(text, params);
    };
    t.has = (key) => catalog[key] !== undefined || fallback[key] !== undefined;
    t.language = catalogs[language] ? language : defaultLanguage;
    return t;
}

// Placeholders a text uses, for the completeness test: both catalogues must use the same ones.
export function placeholders(text) {
    return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}
