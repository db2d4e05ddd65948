"""The upload tests' second TUS client: tuspy (PyPI), run by the venv python of stack/tools/tuspy.ts.

One JSON argument: {"file", "endpoint" (creation URL) or "url" (resume from the server's offset),
"chunkSize", "stopAt" (stop once this many bytes are stored: a cut between two PATCHes),
"checksum" (send Upload-Checksum: sha1 with every PATCH), "metadata" (absent: tuspy sends an
empty Upload-Metadata header)}. Prints one JSON line: {"url", "offset"}, or {"error", "status",
"body", "url", "offset"} and exits 3 when the server refused a request.
"""
import json
import sys

from tusclient import client
from tusclient.exceptions import TusCommunicationError

args = json.loads(sys.argv[1])
tus = client.TusClient(args.get("endpoint") or args["url"])
uploader = tus.uploader(
    file_path=args["file"],
    url=args.get("url"),
    chunk_size=args["chunkSize"],
    metadata=args.get("metadata"),
    upload_checksum=bool(args.get("checksum")),
    retries=0,
)
try:
    uploader.upload(stop_at=args.get("stopAt"))
except TusCommunicationError as error:
    print(json.dumps({"error": str(error), "status": error.status_code, "body": (error.response_content or b"").decode("utf-8", "replace"), "url": uploader.url, "offset": uploader.offset}))
    sys.exit(3)
print(json.dumps({"url": uploader.url, "offset": uploader.offset}))
