package bench

import (
	"context"
	"encoding/xml"
	"net/url"

	"github.com/iamd-dev/iamd/internal/awsclient"
	"github.com/iamd-dev/iamd/internal/sigv4"
)

// towerSecretsPolicy is seed 001's policy of the Tower instance (secretsmanager
// DeleteSecret, ListSecrets and CreateSecret on "*"): the policies a decision op's
// principal holds.
const towerSecretsPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowTowerEnterpriseSecrets","Effect":"Allow","Action":["secretsmanager:DeleteSecret","secretsmanager:ListSecrets","secretsmanager:CreateSecret"],"Resource":"*"}]}`

// decision is the op that measures authorization decisions for a principal with the seed
// policies: a session of a role of its own holding seed 001's Tower policy calls
// ListSecrets, which the policy allows, with a name filter under name order that no secret
// passes (a key prefix of the name index: the list reads nothing), so that a request costs
// its signature check, its decision and an empty answer.
func decision(c *awsclient.Client, name string) Op {
	r := &selfTrustedRole{c: c, name: name}
	var session *awsclient.Client
	return Op{
		Setup: func(ctx context.Context) error {
			if err := r.create(ctx); err != nil {
				return err
			}
			if _, err := c.Query(ctx, "iam", url.Values{"Action": {"PutRolePolicy"}, "Version": {"2010-05-08"},
				"RoleName": {name}, "PolicyName": {"tower-secrets"}, "PolicyDocument": {towerSecretsPolicy}}); err != nil {
				return err
			}
			body, err := c.Query(ctx, "sts", url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"},
				"RoleArn": {r.arn}, "RoleSessionName": {"bench-decision"}})
			if err != nil {
				return err
			}
			var out struct {
				Creds struct {
					AccessKeyID     string `xml:"AccessKeyId"`
					SecretAccessKey string `xml:"SecretAccessKey"`
					SessionToken    string `xml:"SessionToken"`
				} `xml:"AssumeRoleResult>Credentials"`
			}
			if err := xml.Unmarshal(body, &out); err != nil {
				return err
			}
			s := *c
			s.Credentials = sigv4.Credentials{AccessKeyID: out.Creds.AccessKeyID, SecretAccessKey: out.Creds.SecretAccessKey, SessionToken: out.Creds.SessionToken}
			session = &s
			return nil
		},
		Run: func(ctx context.Context, _, _ int) error {
			_, err := session.JSON(ctx, "secretsmanager", "secretsmanager.ListSecrets", map[string]any{
				"MaxResults": 1, "SortBy": "name", "Filters": []map[string]any{{"Key": "name", "Values": []string{"iamd-bench-decision-none/"}}}})
			return err
		},
		Teardown: func(ctx context.Context) error {
			if _, err := c.Query(ctx, "iam", url.Values{"Action": {"DeleteRolePolicy"}, "Version": {"2010-05-08"},
				"RoleName": {name}, "PolicyName": {"tower-secrets"}}); err != nil {
				return err
			}
			return r.remove(ctx)
		},
	}
}
