"""Seed 000 through the front door, with boto3: run by seed000_door.sh under
`iamd exec --instance`, so boto3 finds the Tower role through instance metadata and its calls
to S3, Batch, SSM and DynamoDB go through iamd to moto, authorized by Tower-Role-Policy."""
import sys

import boto3
from checks import expect, expect_error

instance_id = sys.argv[1]
bucket = "my-tower-bucket-02"


expect("credentials come from instance metadata", boto3.Session().get_credentials().method, "iam-role")
s3 = boto3.client("s3")
# The machine may not make buckets: seed000_door.sh's administrator made the second Tower bucket.
s3.put_object(Bucket=bucket, Key="results/out.txt", Body=b"boto3 result")
expect("put_object and get_object in the Tower bucket",
       s3.get_object(Bucket=bucket, Key="results/out.txt")["Body"].read(), b"boto3 result")
expect("list_objects_v2 of the Tower bucket",
       [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="results/")["Contents"]], ["results/out.txt"])
# A multipart upload, each step s3:PutObject on the object. One part, the last, may be small:
# iamd reads a request body of at most 1 MiB, below S3's 5 MiB minimum for the other parts.
upload = s3.create_multipart_upload(Bucket=bucket, Key="results/big.bin")["UploadId"]
part = s3.upload_part(Bucket=bucket, Key="results/big.bin", UploadId=upload, PartNumber=1, Body=b"x" * (512 << 10))
s3.complete_multipart_upload(Bucket=bucket, Key="results/big.bin", UploadId=upload,
                             MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]})
expect("a multipart upload into the Tower bucket",
       s3.head_object(Bucket=bucket, Key="results/big.bin")["ContentLength"], 512 << 10)
expect_error("put_object into another bucket", "AccessDenied",
             lambda: s3.put_object(Bucket="someone-elses-bucket", Key="x", Body=b"x"))
expect_error("get_object from another bucket", "AccessDenied",
             lambda: s3.get_object(Bucket="someone-elses-bucket", Key="private.txt"))
expect("describe_compute_environments",
       boto3.client("batch").describe_compute_environments()["computeEnvironments"], [])
expect("get_parameters",
       [p["Value"] for p in boto3.client("ssm").get_parameters(Names=["/tower/license"])["Parameters"]], ["tower-license-1"])
expect_error("dynamodb list_tables", "AccessDeniedException", lambda: boto3.client("dynamodb").list_tables())
