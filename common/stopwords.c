/* SPDX-License-Identifier: MIT
 * stopwords.c: the French stop word list (articles, pronouns, prepositions,
 * conjunctions, forms of être and avoir, bare elided letters) and
 * frs_is_stopword().  Words are written in the analyzer's exact form: case
 * folded and accent-free ("ete", "meme", "ou" for où, "a" for à).
 */
#include <string.h>

#include "analyzer.h"

/* Sorted in byte (strcmp) order without duplicates, for binary search;
 * tests/test_analyzer.c checks both properties. */
/* Length of the longest entry ("seraient"); longer words are never looked
 * up. */
#define STOPWORD_MAX_LEN 8

static const char *const stopwords[] = {
    "a", "ai", "aie", "aient", "aies", "ait", "as", "au",
    "aura", "aurai", "auraient", "aurais", "aurait", "auras", "aurez", "auriez",
    "aurions", "aurons", "auront", "aussi", "aux", "avaient", "avais", "avait",
    "avec", "avez", "aviez", "avions", "avoir", "avons", "ayant", "ayez",
    "ayons", "c", "ca", "car", "ce", "ceci", "cela", "celle",
    "celles", "celui", "ces", "cet", "cette", "ceux", "ci", "comme",
    "d", "dans", "de", "des", "donc", "dont", "du", "elle",
    "elles", "en", "es", "est", "et", "etaient", "etais", "etait",
    "etant", "ete", "etes", "etiez", "etions", "etre", "eu", "eue",
    "eues", "eumes", "eurent", "eus", "eusse", "eussent", "eusses", "eussiez",
    "eussions", "eut", "eutes", "eux", "fumes", "furent", "fus", "fusse",
    "fussent", "fusses", "fussiez", "fussions", "fut", "futes", "il", "ils",
    "j", "je", "jusqu", "l", "la", "le", "les", "leur",
    "leurs", "lorsqu", "lorsque", "lui", "m", "ma", "mais", "me",
    "meme", "memes", "mes", "moi", "mon", "n", "ne", "ni",
    "nos", "notre", "nous", "on", "ont", "ou", "par", "parce",
    "pas", "pour", "puisqu", "puisque", "qu", "que", "quel", "quelle",
    "quelles", "quels", "qui", "quoiqu", "quoique", "s", "sa", "sans",
    "se", "sera", "serai", "seraient", "serais", "serait", "seras", "serez",
    "seriez", "serions", "serons", "seront", "ses", "si", "soi", "soient",
    "sois", "soit", "sommes", "son", "sont", "soyez", "soyons", "suis",
    "sur", "t", "ta", "te", "tes", "toi", "ton", "tu",
    "un", "une", "vos", "votre", "vous", "y",
};

int frs_is_stopword(const char *word, size_t len)
{
    size_t lo = 0, hi = sizeof stopwords / sizeof stopwords[0];

    if (len == 0 || len > STOPWORD_MAX_LEN)
        return 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *w = stopwords[mid];
        size_t wlen = strlen(w);
        int c = memcmp(word, w, len < wlen ? len : wlen);
        if (c == 0)
            c = len < wlen ? -1 : len > wlen;
        if (c == 0)
            return 1;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}
