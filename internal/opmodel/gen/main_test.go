package main

import (
	"strings"
	"testing"
)

func TestBuildKeepsTheNewestVersionAndWhatOpmodelNeeds(t *testing.T) {
	files := map[string][]byte{
		"package.json": []byte(`{"name":"aws-sdk","version":"9.9.9"}`),
		"apis/foo-2010-01-01.min.json": []byte(`{"metadata":{"apiVersion":"2010-01-01","protocol":"json",
			"endpointPrefix":"foo","targetPrefix":"Old","jsonVersion":"1.0"},"operations":{"Old":{}},"shapes":{}}`),
		"apis/foo-2020-01-01.min.json": []byte(`{"metadata":{"apiVersion":"2020-01-01","protocol":"rest-json",
			"endpointPrefix":"foo-api","signingName":"foo","jsonVersion":"1.1","awsQueryCompatible":{}},
			"operations":{
				"Put":{"http":{"method":"PUT","requestUri":"/things/{Name}?tagging"},"deprecated":true,
					"input":{"type":"structure","required":["Name"],"members":{
						"Name":{"location":"uri","locationName":"Name"},
						"Count":{"location":"querystring","locationName":"count","type":"integer"},
						"Tags":{"shape":"Tags"},
						"Body":{"shape":"Str"}}}},
				"List":{"input":{"shape":"ListInput"}}},
			"shapes":{"Tags":{"type":"map","key":{},"value":{}},"Str":{},
				"ListInput":{"type":"structure","members":{"Token":{"location":"header","locationName":"x-token"}}}}}`),
		"apis/ec2-2016-11-15.min.json": []byte(`{"metadata":{"apiVersion":"2016-11-15","protocol":"ec2","endpointPrefix":"ec2"},
			"operations":{"Describe":{"input":{"type":"structure","members":{
				"DryRun":{"locationName":"dryRun","type":"boolean"},"Ids":{"locationName":"Id","type":"list","member":{}},"Plain":{}}}}}}`),
	}
	got, err := build(files)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"#\taws-sdk\t9.9.9",
		"S\tec2\t2016-11-15\tec2\tec2\tec2\t\t\t",
		"O\tDescribe\tPOST\t/\t",
		"M\tDryRun\t\t\tboolean\t",
		"M\tIds\t\tId\tlist\t",
		"M\tPlain\t\t\tstring\t",
		"S\tfoo\t2020-01-01\trest-json\tfoo-api\tfoo\t\t1.1\tq",
		"O\tList\tPOST\t/\t",
		"M\tToken\theader\tx-token\tstring\t",
		"O\tPut\tPUT\t/things/{Name}?tagging\td",
		"M\tBody\t\t\tstring\t",
		"M\tCount\tquerystring\tcount\tinteger\t",
		"M\tName\turi\t\tstring\tr",
		"M\tTags\t\t\tmap\t",
		"",
	}, "\n")
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestBuildRefusesInconsistentModels(t *testing.T) {
	for name, model := range map[string]string{
		"version mismatch": `{"metadata":{"apiVersion":"2011-01-01","protocol":"json","endpointPrefix":"foo"},"operations":{}}`,
		"no protocol":      `{"metadata":{"apiVersion":"2010-01-01","endpointPrefix":"foo"},"operations":{}}`,
		"a tab in a field": `{"metadata":{"apiVersion":"2010-01-01","protocol":"json","endpointPrefix":"foo"},"operations":{"A\tB":{}}}`,
		"not JSON":         `{`,
	} {
		files := map[string][]byte{
			"package.json":                 []byte(`{"name":"aws-sdk","version":"1"}`),
			"apis/foo-2010-01-01.min.json": []byte(model),
		}
		if _, err := build(files); err == nil {
			t.Errorf("%s: built", name)
		}
	}
}
