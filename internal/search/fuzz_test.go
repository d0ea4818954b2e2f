package search

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/apperr"
)

// querySyntax is every character Bleve's query-string syntax gives a meaning to. Search
// text is only ever words, so none of them may survive into a word.
const querySyntax = `+-=&|><!(){}[]^"~*?:\/`

// FuzzQueryWords turns arbitrary viewer text into search words. Text within the limits
// gives words that are lower-case, free of query syntax and spaces, distinct (but for the
// prefix), at most MaxQueryWords, with only the last one a prefix; the same text always
// gives the same words; and running the search itself never fails for such text. Text over
// the limits is BAD_USER_INPUT on the "query" field.
func FuzzQueryWords(f *testing.F) {
	ix, err := Open(filepath.Join(f.TempDir(), "index"))
	require.NoError(f, err)
	f.Cleanup(func() { _ = ix.Close() })
	for _, s := range []string{
		"moon", "Moon Harbour ", `name:"moon" +harbour -sea`, "title:*", "fuzzy~2 boost^10", "a AND b OR NOT c",
		"(moon) [1 TO 9] {x}", `\u0000 \\ /regex/`, "Café crème brûlée", "ÉCOLE", "ǅungla", "東京 物語", "x:y:z",
		"   ", "", strings.Repeat("a ", MaxQueryWords+1), strings.Repeat("é", MaxQueryRunes+1), "moon moon moon", "moo\t",
	} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, text string) {
		words, err := ix.words(text)
		if err != nil {
			ae, ok := apperr.As(err)
			require.True(t, ok, "untyped error %v", err)
			require.Equal(t, apperr.BadUserInput, ae.Code)
			require.Equal(t, "query", ae.Field)
			if utf8.RuneCountInString(text) <= MaxQueryRunes {
				require.Greater(t, len(ix.analyzer.Analyze([]byte(text))), MaxQueryWords, "refused text within the limits: %q", text)
			}
			return
		}
		require.LessOrEqual(t, utf8.RuneCountInString(text), MaxQueryRunes)
		require.LessOrEqual(t, len(words), MaxQueryWords)
		seen := map[string]bool{}
		for i, w := range words {
			require.NotEmpty(t, w.text)
			require.True(t, utf8.ValidString(w.text), "%q", w.text)
			require.False(t, strings.ContainsAny(w.text, querySyntax), "query syntax in %q from %q", w.text, text)
			require.False(t, strings.ContainsFunc(w.text, unicode.IsSpace), "space in %q from %q", w.text, text)
			require.False(t, strings.ContainsFunc(w.text, unicode.IsUpper), "upper case in %q from %q", w.text, text)
			if w.prefix {
				require.Equal(t, len(words)-1, i, "only the last word is a prefix")
			} else {
				require.False(t, seen[w.text], "repeated word %q", w.text)
			}
			seen[w.text] = true
		}
		again, err := ix.words(text)
		require.NoError(t, err)
		require.Equal(t, words, again)

		_, err = ix.Search(context.Background(), Query{Text: text, Limit: 5})
		require.NoError(t, err)
	})
}
