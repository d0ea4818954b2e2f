package subtitle

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var safeTag = regexp.MustCompile(`^</?[biu]>$`)

// Whatever comes in, what goes out is UTF-8 WebVTT whose cues have times in order, no
// blank line, no "-->" and no markup but <b>, <i> and <u>.
func FuzzConvert(f *testing.F) {
	f.Add([]byte("1\n00:00:01,000 --> 00:00:02,000\n<i>Hi</i> <script>x</script>\n"))
	f.Add([]byte("WEBVTT\n\n00:01.000 --> 00:02.000 line:0\n<v A>&amp;</v>\n"))
	f.Add([]byte("[Events]\nFormat: Start, End, Text\nDialogue: 0:00:01.00,0:00:02.00,{\\i1}a{\\i0}\\Nb\n"))
	f.Add([]byte("\xff\xfe1\x00\n\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := Convert(b)
		if err != nil {
			return
		}
		out := string(res.VTT())
		if !utf8.ValidString(out) || !strings.HasPrefix(out, "WEBVTT\n") {
			t.Fatalf("not UTF-8 WebVTT: %q", out)
		}
		for i, c := range res.Cues {
			if c.End <= c.Start || c.Start < 0 || (i > 0 && c.Start < res.Cues[i-1].Start) {
				t.Fatalf("bad times: %+v", c)
			}
			if c.Text == "" || strings.Contains(c.Text, "\n\n") || strings.Contains(c.Text, "-->") {
				t.Fatalf("bad text: %q", c.Text)
			}
			for _, m := range tag.FindAllString(c.Text, -1) {
				if !safeTag.MatchString(m) {
					t.Fatalf("unsafe markup %q in %q", m, c.Text)
				}
			}
		}
	})
}
