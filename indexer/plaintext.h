/* SPDX-License-Identifier: MIT
 * plaintext.h: plain-text articles in the shapes they really come in, made
 * into what the passage splitter expects (passage.h: paragraphs separated
 * by blank lines).
 *
 * Encoding.  A text file must be UTF-8.  One that is not all valid UTF-8
 * is either UTF-8 with a few damaged bytes (indexed, the bad bytes replaced,
 * with a warning) or text in a single-byte encoding (refused, with the
 * iconv command that converts it).  The rule: a single-byte Latin text
 * writes each French accented letter as one byte (é = 0xE9), which is
 * never valid UTF-8 before an ASCII byte, so it has many invalid bytes and
 * almost no valid multi-byte character; damaged UTF-8 has mostly valid
 * multi-byte characters.  So a text is Latin-1 when its invalid bytes
 * outnumber its valid multi-byte characters and at least half of them are
 * letters in Latin-1 (0xC0-0xFF but × and ÷); Windows-1252 when, besides,
 * some are in 0x80-0x9F (its ’ « œ …, control characters in Latin-1).
 *
 * Lines.  CR LF and a lone CR end a line like LF.
 *
 * Paragraphs.  Editors export one paragraph per line, with no blank line
 * between them; other files are hard-wrapped: a paragraph over several
 * lines of about the same width, ending mid-sentence.  A line break is
 * kept inside a paragraph (a wrap) only when the text is hard-wrapped (the
 * 80th percentile of its line lengths, its width, is between
 * FRS_TEXT_WRAP_MIN and FRS_TEXT_WRAP_MAX characters: editors and mailers
 * wrap at 60 to 80) and the line before the break fills at least two thirds of
 * that width, does not end like a sentence (. ! ? ; … or a closing quote)
 * and the next line does not start a list item (- * • – — or 1. 1)).
 * Every other line break ends a paragraph: it becomes a blank line.  So a
 * short line without final punctuation stands alone, as the heading that
 * passage.h attaches to the text after it.
 *
 * Ownership: the returned text is malloc'd and owned by the caller.
 */
#ifndef FRS_PLAINTEXT_H
#define FRS_PLAINTEXT_H

#include <stddef.h>
#include "frs.h"

#define FRS_TEXT_WRAP_MIN 40  /* characters: narrower lines are not wrapped */
#define FRS_TEXT_WRAP_MAX 100 /* characters: wider lines are not wrapped */

typedef enum {
    FRS_TEXT_UTF8,    /* valid UTF-8 */
    FRS_TEXT_DAMAGED, /* UTF-8 with some invalid sequences */
    FRS_TEXT_LATIN1,  /* a single-byte encoding: ISO-8859-1 */
    FRS_TEXT_CP1252   /* a single-byte encoding: Windows-1252 */
} frs_text_encoding_t;

/* How text[0..len) is encoded (rule above).  *bad (may be NULL) gets the
 * number of bytes in invalid sequences, *first (may be NULL) the first such
 * byte (0 if none). */
frs_text_encoding_t frs_plaintext_encoding(const char *text, size_t len,
                                           size_t *bad, unsigned char *first);

/* The body text[0..len) (valid UTF-8) with every line ending made LF and
 * every line break that ends a paragraph made a blank line (rule above).
 * *out (malloc'd, NUL-terminated) and *outlen; FRS_OK or FRS_ENOMEM (then
 * *out = NULL). */
frs_status_t frs_plaintext_paragraphs(const char *text, size_t len,
                                      char **out, size_t *outlen);

#endif
