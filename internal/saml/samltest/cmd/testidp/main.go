// Command testidp is samltest's identity provider from a shell, for the end-to-end scripts:
//
//	testidp init -key FILE -entity-id URL    makes a key pair and certificate, written to FILE
//	testidp metadata -key FILE               prints the metadata document
//	testidp sp-key -key-out FILE -cert-out FILE
//	                                         makes a service provider's decryption key (PEM,
//	                                         for AddPrivateKey) and its certificate
//	testidp assert -key FILE -role ARN -provider ARN [-session NAME] [-subject S]
//	        [-audience URL] [-recipient URL] [-sign-response] [-encrypt-to CERTFILE]
//	        [-attr NAME=VALUE]...
//	                                         prints a signed base64 SAML response
//
// It is a test tool: the key file holds the private key in the clear.
package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/iamd-dev/iamd/internal/saml/samltest"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "testidp:", err)
		os.Exit(2)
	}
}

// attrs gathers repeated -attr NAME=VALUE flags, values of one name in order.
type attrs []samltest.Attribute

func (a *attrs) String() string { return "" }

func (a *attrs) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return errors.New("want NAME=VALUE")
	}
	for i := range *a {
		if (*a)[i].Name == name {
			(*a)[i].Values = append((*a)[i].Values, value)
			return nil
		}
	}
	*a = append(*a, samltest.Attribute{Name: name, Values: []string{value}})
	return nil
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: testidp init|metadata|sp-key|assert [flags]")
	}
	fs := flag.NewFlagSet("testidp "+args[0], flag.ContinueOnError)
	keyFile := fs.String("key", "", "the identity provider's key file")
	switch args[0] {
	case "init":
		entityID := fs.String("entity-id", "https://idp.example.com/saml", "the provider's entityID")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		p, err := samltest.New(*entityID)
		if err != nil {
			return err
		}
		return os.WriteFile(*keyFile, p.MarshalPEM(), 0o600)
	case "metadata":
		validUntil := fs.String("valid-until", "", "the document's validUntil (RFC 3339), none when empty")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		p, err := load(*keyFile)
		if err != nil {
			return err
		}
		fmt.Println(p.Metadata(*validUntil))
		return nil
	case "sp-key":
		keyOut := fs.String("key-out", "", "where to write the private key")
		certOut := fs.String("cert-out", "", "where to write the certificate")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		keyPEM, cert, err := samltest.NewDecryptionKey()
		if err != nil {
			return err
		}
		if err := os.WriteFile(*keyOut, []byte(keyPEM), 0o600); err != nil {
			return err
		}
		return os.WriteFile(*certOut, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o644)
	case "assert":
		var a samltest.Assertion
		var extra attrs
		role := fs.String("role", "", "the role's ARN")
		provider := fs.String("provider", "", "the IAM SAML provider's ARN")
		session := fs.String("session", "alice", "the RoleSessionName attribute")
		fs.StringVar(&a.Subject, "subject", "alice", "the subject's NameID")
		fs.StringVar(&a.Audience, "audience", samltest.SignInURL, "the Audience")
		fs.StringVar(&a.Recipient, "recipient", samltest.SignInURL, "the subject confirmation's Recipient")
		fs.BoolVar(&a.SignResponse, "sign-response", false, "sign the Response rather than the Assertion")
		fs.Var(&extra, "attr", "another attribute, NAME=VALUE (repeatable)")
		encryptTo := fs.String("encrypt-to", "", "encrypt the assertion to this PEM certificate")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *encryptTo != "" {
			data, err := os.ReadFile(*encryptTo)
			if err != nil {
				return err
			}
			b, _ := pem.Decode(data)
			if b == nil {
				return errors.New("-encrypt-to: not a PEM certificate")
			}
			if a.EncryptTo, err = x509.ParseCertificate(b.Bytes); err != nil {
				return err
			}
		}
		p, err := load(*keyFile)
		if err != nil {
			return err
		}
		a.Attributes = append([]samltest.Attribute{
			{Name: samltest.RoleAttr, Values: []string{samltest.Role(*role, *provider)}},
			{Name: samltest.RoleSessionNameAttr, Values: []string{*session}},
		}, extra...)
		out, err := p.Response(a)
		if err != nil {
			return err
		}
		fmt.Println(out)
		return nil
	}
	return fmt.Errorf("unknown command %q", args[0])
}

func load(path string) (*samltest.IdP, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return samltest.LoadPEM(data)
}
