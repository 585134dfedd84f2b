"""The corpus and helpers of the search contract suite (test_search_contract.py)."""
import contextlib
import os

U1, U2, U3 = "000.00.01.H26", "000.00.02.H26", "000.00.03.H26"

AN = {"id": "dossier:an", "kind": "dossier", "version": 1,
      "dossier_code": "000.00.01.H26-251120-0007", "procedure_code": "1.001",
      "procedure_name": "Cấp giấy chứng nhận quyền sử dụng đất",
      "applicant_name": "Nguyễn Văn An", "applicant_id": "001080012345",
      "receiving_unit": U1, "processing_unit": U2, "state": "processing",
      "received_at": "2025-11-20T08:15:00", "due_at": "2025-12-04", "overdue": False,
      "text": [{"page": 1, "text": "ĐƠN ĐỀ NGHỊ cấp giấy chứng nhận quyền sử dụng đất"},
               {"page": 2, "text": "Người đề nghị: Nguyễn Văn An, thôn Đông, xã Xuân Canh"}]}
AN_ACCENTED = {"id": "dossier:an2", "kind": "dossier", "version": 1,
               "dossier_code": "000.00.03.H26-251001-0001", "procedure_code": "1.002",
               "procedure_name": "Đăng ký hộ kinh doanh", "applicant_name": "Nguyễn Văn Ấn",
               "applicant_id": "001090054321", "receiving_unit": U3, "processing_unit": U3,
               "state": "received", "received_at": "2025-10-01T09:00:00", "overdue": True,
               "text": [{"page": 1, "text": "Hộ kinh doanh Nguyễn Văn Ấn, đường Lê Lợi"}]}
DAO = {"id": "dossier:dao", "kind": "dossier", "version": 3,
       "dossier_code": "000.00.02.H26-250905-0012", "procedure_code": "1.002",
       "procedure_name": "Đăng ký hộ kinh doanh", "applicant_name": "Đỗ Thị Đào",
       "receiving_unit": U2, "processing_unit": U2, "state": "done",
       "received_at": "2025-09-05", "text": []}
DECISION = {"id": "result:15", "kind": "result", "version": 2, "number_symbol": "15/QĐ-UBND",
            "doc_type": "Quyết định", "issuer": "UBND huyện Đông Anh", "status": "valid",
            "title": "Quyết định cấp giấy chứng nhận quyền sử dụng đất",
            "procedure_code": "1.001", "receiving_unit": U1, "processing_unit": U2,
            "issue_date": "2025-12-01", "valid_until": "2030-12-01",
            "text": [{"page": 1, "text": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do "
                                         "- Hạnh phúc. Số: 15/QĐ-UBND"},
                     {"page": 2, "text": "Cấp cho ông Đặng Đức Thắng thửa đất số 112, "
                                         "tờ bản đồ số 7."}]}
OTHER_DECISION = {"id": "result:115", "kind": "result", "version": 1,
                  "number_symbol": "115/QĐ-UBND", "doc_type": "Quyết định",
                  "issuer": "UBND huyện Đông Anh", "status": "revoked",
                  "title": "Quyết định thu hồi đất", "procedure_code": "1.003",
                  "receiving_unit": U3, "processing_unit": U3, "issue_date": "2025-06-15",
                  "text": [{"page": 1, "text": "Số: 115/QĐ-UBND về việc thu hồi đất"}]}
REFERENCE = {"id": "file:ref", "kind": "file", "version": 1, "title": "Bản sao quyết định",
             "doc_type": "Bản sao", "receiving_unit": U1, "processing_unit": U1,
             "received_at": "2025-12-10",
             "text": [{"page": 1, "text": "Trang bìa"}, {"page": 2, "text": "Mục lục"},
                      {"page": 3, "text": "Căn cứ Quyết định số 15/QĐ-UBND ngày 01/12/2025 "
                                          "của Ủy ban nhân dân huyện"}]}

CORPUS = [AN, AN_ACCENTED, DAO, DECISION, OTHER_DECISION, REFERENCE]


def load(backend, docs=CORPUS):
    written = backend.index_many(docs)
    backend.refresh()
    return written


def ids(results):
    return [hit.id for hit in results.hits]


def numbered(count, unit=U1):
    """``count`` small dossiers received on consecutive days of 2024."""
    return [{"id": f"dossier:n{i:03d}", "kind": "dossier", "version": 1,
             "applicant_name": f"Trần Thị Bình {i}", "procedure_code": "2.000",
             "receiving_unit": unit, "processing_unit": unit, "state": "received",
             "received_at": f"2024-{1 + i // 28:02d}-{1 + i % 28:02d}",
             "text": [{"page": 1, "text": f"Hồ sơ đăng ký số thứ tự {i}"}]}
            for i in range(count)]


@contextlib.contextmanager
def unavailable(kind, backend, server=None):
    """Make ``backend`` unreachable for the duration of the block.

    Elasticsearch: the server is stopped (and restarted on the same port and data after).
    Embedded: its directory goes away, as an unmounted disk would, and comes back.
    """
    if kind == "elasticsearch":
        server.stop()
        try:
            yield
        finally:
            server.start()
        return
    away = backend.path + ".away"
    os.rename(backend.path, away)
    try:
        yield
    finally:
        os.rename(away, backend.path)
