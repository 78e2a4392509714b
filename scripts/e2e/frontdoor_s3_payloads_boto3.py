"""S3 objects of several MiB through iamd's front door with boto3, in each payload mode it
sends, checked against moto behind it (run by frontdoor_s3_payloads.sh).

Usage: frontdoor_s3_payloads_boto3.py KEY SECRET HTTP_ENDPOINT HTTPS_ENDPOINT CA_BUNDLE MOTO BUCKET"""
import hashlib
import os
import sys
import tempfile
import urllib.request

import boto3
import botocore.config
import botocore.exceptions
from boto3.s3.transfer import TransferConfig
from checks import expect

key, secret, http_endpoint, https_endpoint, ca_bundle, moto, bucket = sys.argv[1:]
MiB = 1 << 20


def client(endpoint, s3_config={}, **config):
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=key, aws_secret_access_key=secret,
                        verify=ca_bundle if endpoint.startswith("https") else None,
                        config=botocore.config.Config(s3={"addressing_style": "path", **s3_config}, **config))


moto_s3 = boto3.client("s3", endpoint_url=moto, aws_access_key_id="test", aws_secret_access_key="test")


def same(label, got, want):
    expect(label, hashlib.sha256(got).hexdigest(), hashlib.sha256(want).hexdigest())


# PutObject in each mode: what boto3 sent, recorded as it sends it.
for n, (label, endpoint, config, mode) in enumerate([
    ("a signed payload over HTTP", http_endpoint, {}, "sha256"),
    ("a trailing checksum over TLS", https_endpoint, {}, "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
    ("UNSIGNED-PAYLOAD over TLS", https_endpoint,
     {"request_checksum_calculation": "when_required", "s3_config": {"payload_signing_enabled": False}}, "UNSIGNED-PAYLOAD"),
]):
    s3 = client(endpoint, **config)
    sent = []
    s3.meta.events.register("before-send.s3.PutObject", lambda request, **_: sent.append(request.headers["X-Amz-Content-SHA256"]))
    data = os.urandom(8 * MiB - 1024)
    name = f"boto3/object-{n}"
    s3.put_object(Bucket=bucket, Key=name, Body=data)
    want = hashlib.sha256(data).hexdigest() if mode == "sha256" else mode
    expect(f"boto3 sent {label}", [v.decode() if isinstance(v, bytes) else v for v in sent], [want])
    same(f"{label}: read back through iamd", s3.get_object(Bucket=bucket, Key=name)["Body"].read(), data)
    same(f"{label}: the object in moto", moto_s3.get_object(Bucket=bucket, Key=name)["Body"].read(), data)

# A multipart upload (5 MiB parts, each with its trailing checksum) and a download.
s3 = client(https_endpoint)
data = os.urandom(12 * MiB + 17)
with tempfile.TemporaryDirectory() as tmp:
    up, down = os.path.join(tmp, "up"), os.path.join(tmp, "down")
    with open(up, "wb") as f:
        f.write(data)
    s3.upload_file(up, bucket, "boto3/multipart", Config=TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB))
    s3.download_file(bucket, "boto3/multipart", down)
    with open(down, "rb") as f:
        same("a multipart upload read back through iamd", f.read(), data)
same("the multipart object in moto", moto_s3.get_object(Bucket=bucket, Key="boto3/multipart")["Body"].read(), data)

# Presigned URLs: a PUT (UNSIGNED-PAYLOAD) and a GET, SigV4 (boto3 presigns for us-east-1
# with Signature Version 2 unless told, which iamd does not take).
s3 = client(http_endpoint, signature_version="s3v4")
data = os.urandom(3 * MiB)
put = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "boto3/presigned"})
# (urllib's default Content-Type is a form's, whose body moto would parse instead of keeping.)
urllib.request.urlopen(urllib.request.Request(put, data=data, method="PUT", headers={"Content-Type": "application/octet-stream"}), timeout=30).read()
get = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "boto3/presigned"})
same("a presigned PUT read back with a presigned GET", urllib.request.urlopen(get, timeout=30).read(), data)
same("the presigned object in moto", moto_s3.get_object(Bucket=bucket, Key="boto3/presigned")["Body"].read(), data)

# Another bucket is refused, whatever the payload mode.
try:
    client(https_endpoint).put_object(Bucket="other-bucket", Key="x", Body=os.urandom(MiB))
    sys.exit("FAIL a streamed PutObject to another bucket succeeded")
except botocore.exceptions.ClientError as e:
    expect("a streamed PutObject to another bucket", e.response["Error"]["Code"], "AccessDenied")
