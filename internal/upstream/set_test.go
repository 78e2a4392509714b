package upstream

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	// want lists, per service asked, the upstream's host and access key id ("" for none).
	for _, tc := range []struct {
		name        string
		urls, creds []string
		want        map[string]string
	}{
		{name: "none", want: map[string]string{"s3": ""}},
		{name: "a default with moto's keys", urls: []string{"http://127.0.0.1:5000"},
			want: map[string]string{"s3": "127.0.0.1:5000 test", "sqs": "127.0.0.1:5000 test"}},
		{name: "a service's own and a default", urls: []string{"s3=http://127.0.0.1:9000/", "http://127.0.0.1:5000"},
			want: map[string]string{"s3": "127.0.0.1:9000 test", "dynamodb": "127.0.0.1:5000 test"}},
		{name: "only a service's", urls: []string{"s3=https://minio.internal"},
			want: map[string]string{"s3": "minio.internal test", "sqs": ""}},
		{name: "keys for every upstream", urls: []string{"s3=http://a:1", "http://b:2"}, creds: []string{"AK:SE"},
			want: map[string]string{"s3": "a:1 AK", "sqs": "b:2 AK"}},
		{name: "a service's keys on the default upstream", urls: []string{"http://b:2"}, creds: []string{"s3=MINIO:secret", "AK:SE"},
			want: map[string]string{"s3": "b:2 MINIO", "sqs": "b:2 AK"}},
		{name: "a secret with = in it", urls: []string{"http://b:2"}, creds: []string{"AK:se=cret"},
			want: map[string]string{"sqs": "b:2 AK"}},
		{name: "a URL whose query has =", urls: []string{"http://b:2/?x=1"}},
		{name: "a URL with a path", urls: []string{"http://b:2/prefix"}},
		{name: "not http", urls: []string{"s3=ftp://b"}},
		{name: "no host", urls: []string{"http://"}},
		{name: "two defaults", urls: []string{"http://a", "http://b"}},
		{name: "a service twice", urls: []string{"s3=http://a", "s3=http://b"}},
		{name: "keys without a secret", urls: []string{"http://a"}, creds: []string{"AK"}},
		{name: "keys for a service no upstream serves", urls: []string{"s3=http://a"}, creds: []string{"sqs=AK:SE"}},
		{name: "keys twice", urls: []string{"http://a"}, creds: []string{"AK:SE", "AK2:SE2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := Parse(tc.urls, tc.creds)
			if tc.want == nil {
				if err == nil {
					t.Fatalf("parsed %+v, want an error", set)
				}
				for _, c := range tc.creds {
					if _, secret, _ := strings.Cut(c, ":"); secret != "" && strings.Contains(err.Error(), secret) {
						t.Fatalf("the error %q shows a secret", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for service, want := range tc.want {
				got := ""
				if target, ok := set.For(service); ok {
					got = target.URL.Host + " " + target.Credentials.AccessKeyID
				}
				if got != want {
					t.Errorf("%s: upstream %q, want %q", service, got, want)
				}
			}
			if set.Empty() != (len(tc.urls) == 0) {
				t.Errorf("Empty() is %v", set.Empty())
			}
		})
	}
}
