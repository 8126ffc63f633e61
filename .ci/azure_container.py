"""Creates a container in an Azure Blob emulator (azurite): a signed
`PUT ?restype=container` that object_store does not offer.

usage: azure_container.py BLOB_URL CONTAINER   (BLOB_URL e.g. http://127.0.0.1:10000)
"""
import sys

from azure.core.exceptions import ResourceExistsError
from azure.storage.blob import BlobServiceClient

# The emulator's well-known development account (public, documented by Microsoft).
ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

url, name = sys.argv[1].rstrip("/"), sys.argv[2]
# An API version azurite 3.37 knows (the SDK's newest is refused).
service = BlobServiceClient(
    account_url=f"{url}/{ACCOUNT}",
    credential={"account_name": ACCOUNT, "account_key": KEY},
    api_version="2025-01-05",
)
try:
    service.create_container(name)
except ResourceExistsError:
    pass
