"""Line and column of a pointer, in pretty-printed and single-line texts."""

from kinelint.positions import TextPositions, find_duplicate_key

PRETTY = """{
  "invoice_id": "F-1",
  "sessions": [
    {
      "number": 1,
      "acts": [
        {"letter": "RIC", "coefficient": 8.12, "amount": 17.95},
        {"letter": "AMK", "label": "a \\"quoted\\" / slash", "amount": 23.65}
      ]
    }
  ],
  "odd/key~": true
}"""


def test_pretty_printed_positions():
    where = TextPositions(PRETTY).locate([
        "/invoice_id", "/sessions/0/number", "/sessions/0/acts/0/amount", "/sessions/0/acts/1/amount", "/odd~1key~0", "",
    ])
    assert where["/invoice_id"] == (2, 17)
    assert where["/sessions/0/number"] == (5, 17)
    assert where["/sessions/0/acts/0/amount"] == (7, 58)
    assert where["/sessions/0/acts/1/amount"] == (8, 70)
    assert where["/odd~1key~0"] == (12, 15)
    assert where[""] == (1, 1)


def test_missing_value_falls_back_to_the_nearest_ancestor():
    where = TextPositions(PRETTY).locate(["/sessions/0/acts/1/coefficient", "/total"])
    assert where["/sessions/0/acts/1/coefficient"] == (8, 9)
    assert where["/total"] == (1, 1)


def test_single_line_array_elements():
    text = '[{"a": 1}, {"a": 2, "b": [true, "é", null]}]'
    positions = TextPositions(text)
    assert positions.locate(["/b/2"], base="/1") == {"/b/2": (1, 38)}
    assert positions.locate(["/a"], base="/0") == {"/a": (1, 8)}


def test_columns_count_characters_not_bytes():
    assert TextPositions('{"é": "à", "x": 1}').locate(["/x"]) == {"/x": (1, 17)}


def test_first_line_number_is_kept_for_json_lines():
    assert TextPositions('{"x": 1}', first_line=42).locate(["/x"]) == {"/x": (42, 7)}


def test_duplicate_key_found_with_its_pointer():
    assert find_duplicate_key('{"a": {"b": 1, "c": 2, "b": 3}}') == ("/a/b", 23, "b")
    assert find_duplicate_key('{"a": 1, "b": {"a": 1}}') is None
