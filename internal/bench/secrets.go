package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/iamd-dev/iamd/internal/awsclient"
)

// FillSecretName is the name of secret n of a secrets fill with prefix.
func FillSecretName(prefix string, n int) string { return fmt.Sprintf("%s/%07d", prefix, n) }

// FillSecrets is the op that fills an account with secrets for benchmarks, through the API:
// request n (numbered across the workers from 0) creates secret FillSecretName(prefix, n)
// with a small string value. A secret that exists already is kept, so that a fill cut short
// may be run again to complete it. Bound the run with MaxRequests: the number of secrets.
func FillSecrets(c *awsclient.Client, prefix string) Op {
	var next atomic.Int64
	return Op{Run: func(ctx context.Context, _, _ int) error {
		ctx = context.WithoutCancel(ctx) // a create runs to its end once begun
		n := int(next.Add(1) - 1)
		_, err := c.JSON(ctx, "secretsmanager", "secretsmanager.CreateSecret", map[string]string{
			"Name": FillSecretName(prefix, n), "SecretString": fmt.Sprintf(`{"n":%d}`, n),
			// The first version's id, as SDKs make one; the same for the same n, so that a
			// fill run again over a secret it made is answered as the first was.
			"ClientRequestToken": fmt.Sprintf("iamd-fill-version-%020d", n)})
		var e *awsclient.Error
		if err != nil && errors.As(err, &e) && e.Code == "ResourceExistsException" {
			return nil
		}
		return err
	}}
}

// SecretPageSize is the MaxResults of the ListSecrets ops: the most a page holds.
const SecretPageSize = 100

// listSecretsPage reads one ListSecrets page: its size and NextToken.
func listSecretsPage(ctx context.Context, c *awsclient.Client, input map[string]any) (int, string, error) {
	body, err := c.JSON(ctx, "secretsmanager", "secretsmanager.ListSecrets", input)
	if err != nil {
		return 0, "", err
	}
	var out struct {
		SecretList []json.RawMessage
		NextToken  string
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return 0, "", err
	}
	return len(out.SecretList), out.NextToken, nil
}

// listSecretsInput is a ListSecrets input of the page size with the extra parameters.
func listSecretsInput(extra map[string]any) map[string]any {
	in := map[string]any{"MaxResults": SecretPageSize}
	for k, v := range extra {
		in[k] = v
	}
	return in
}

// ListSecrets is an op whose every request reads the first ListSecrets page (with the extra
// parameters: SortOrder, SortBy, Filters).
func ListSecrets(c *awsclient.Client, extra map[string]any) Op {
	return Op{Run: func(ctx context.Context, _, _ int) error {
		_, _, err := listSecretsPage(ctx, c, listSecretsInput(extra))
		return err
	}}
}

// SecretPages is an op whose every request pages through ListSecrets (with the extra
// parameters) from its first page to its last, SecretPageSize at a time; its Details are
// PageStats.
func SecretPages(c *awsclient.Client, extra map[string]any) Op {
	rec := &pageRecorder{}
	run := func(ctx context.Context, _, _ int) error {
		token := ""
		for depth := 0; ; depth++ {
			in := listSecretsInput(extra)
			if token != "" {
				in["NextToken"] = token
			}
			t0 := time.Now()
			_, next, err := listSecretsPage(ctx, c, in)
			if err != nil {
				return err
			}
			rec.page(depth, time.Since(t0))
			if next == "" {
				rec.pass(depth + 1)
				return nil
			}
			if next == token {
				return errors.New("bench: ListSecrets gave the same NextToken twice")
			}
			token = next
		}
	}
	return Op{Run: run, Details: func() any { return rec.stats() }}
}

// secretOps are the ListSecrets ops of `iamd bench --op`; prefix names the secrets of a
// `iamd bench fill --secrets` (the name filter ops list those).
func secretOps(c *awsclient.Client, prefix string) map[string]Op {
	desc := map[string]any{"SortOrder": "desc"}
	byPrefix := map[string]any{"Filters": []map[string]any{{"Key": "name", "Values": []string{prefix + "/"}}}}
	byPrefixName := map[string]any{"SortBy": "name", "Filters": byPrefix["Filters"]}
	return map[string]Op{
		"list-secrets":                 ListSecrets(c, nil),
		"list-secrets-desc":            ListSecrets(c, desc),
		"list-secrets-all":             SecretPages(c, nil),
		"list-secrets-desc-all":        SecretPages(c, desc),
		"list-secrets-name-prefix-all": SecretPages(c, byPrefixName),
		"list-secrets-name-filter-all": SecretPages(c, byPrefix),
	}
}
