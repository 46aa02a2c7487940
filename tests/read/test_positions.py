"""Line and column of a pointer, in pretty-printed and single-line texts."""

from kinelint.read.positions import TextPositions, find_duplicate_key

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


def test_containers_off_the_path_are_stepped_over_and_still_counted():
    text = '{"a": [{"x": [1, 2]}, {"y": {"z": "}]"}}, 3], "b": {"c": [[], {}]}, "d": 4}'
    where = TextPositions(text).locate(["/a/2", "/b/c/1", "/d", "/a/1/y/q"])
    column = {"/a/2": text.index(", 3]") + 3, "/b/c/1": text.index("{}]") + 1, "/d": text.index('"d": 4') + 6,
              "/a/1/y/q": text.index('{"z"') + 1}  # a missing key: its object
    assert where == {pointer: (1, c) for pointer, c in column.items()}


def test_a_container_the_c_scanner_cannot_read_is_walked_instead():
    huge = "1" * 5000  # more digits than Python converts to int
    deep = "[" * 5000 + "]" * 5000  # deeper than the C scanner recurses
    text = f'{{"a": [{huge}], "b": {deep}, "c": 1}}'
    assert TextPositions(text).locate(["/c"]) == {"/c": (1, len(text) - 1)}


def test_root_array_elements_are_found_without_walking_inside_them():
    text = '[{"a": [1, {"b": 2}]}, [3, [4]], 5, {"c": 6}]'
    assert TextPositions(text).locate(["/c"], base="/3") == {"/c": (1, 43)}
    assert TextPositions(text).locate([""], base="/2") == {"": (1, 34)}
