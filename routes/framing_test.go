package routes

import "testing"

func TestFramingStatus(t *testing.T) {
	t.Parallel()
	cases := []struct {
		lengths, encodings int
		codings            []string
		want               int
	}{
		{0, 0, nil, 0},
		{1, 0, nil, 0},
		{2, 0, nil, 400},
		{1, 1, []string{"chunked"}, 400},
		{0, 1, []string{"chunked"}, 0},
		{0, 1, []string{"CHUNKED"}, 0},
		{0, 1, []string{"identity"}, 0},
		{0, 1, []string{"Identity"}, 400},
		{0, 1, []string{""}, 400},
		{0, 1, []string{"xchunked"}, 400},
		{0, 1, []string{"gzip", "chunked"}, 501},
		{0, 1, []string{"identity", "chunked"}, 501},
		{0, 1, []string{"chunked", "gzip"}, 400},
		{0, 2, []string{"chunked", "chunked"}, 400},
		{0, 2, []string{"chunked", "identity"}, 400},
	}
	for _, tc := range cases {
		if got, _ := framingStatus(tc.lengths, tc.encodings, tc.codings); got != tc.want {
			t.Errorf("framingStatus(%d, %d, %q) = %d, want %d", tc.lengths, tc.encodings, tc.codings, got, tc.want)
		}
	}
}
