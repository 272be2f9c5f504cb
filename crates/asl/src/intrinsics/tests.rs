use super::*;
use crate::env::{Scope, StaticScope};
use serde_json::json;

fn eval_with(expr: &str, input: &Value, scope: &mut StaticScope) -> Result<Value, StatesError> {
    let call = Intrinsic::parse(expr).unwrap_or_else(|e| panic!("{e}"));
    call.eval(&mut Env::new(input, scope))
}

fn eval(expr: &str, input: Value) -> Result<Value, StatesError> {
    eval_with(expr, &input, &mut StaticScope::default())
}

fn ok(expr: &str, input: Value) -> Value {
    eval(expr, input).unwrap_or_else(|e| panic!("{expr}: {e}"))
}

fn failure(expr: &str, input: Value) -> StatesError {
    match eval(expr, input) {
        Ok(v) => panic!("{expr}: expected an error, got {v}"),
        Err(e) => e,
    }
}

fn parse_err(expr: &str) -> String {
    match Intrinsic::parse(expr) {
        Ok(_) => panic!("{expr}: expected a parse error"),
        Err(e) => e.reason,
    }
}

/// (case, expression, input, expected FunctionResult), from the AWS-recorded corpus.
const RECORDED: &[(&str, &str, &str, &str)] = &[
    (
        r#"array__array_0"#,
        r#"States.Array()"#,
        r#"{"FunctionInput":"HelloWorld"}"#,
        r#"[]"#,
    ),
    (
        r#"array__array_2__00"#,
        r#"States.Array($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":"","snd":""}}"#,
        r#"["",""]"#,
    ),
    (
        r#"array__array_2__01"#,
        r#"States.Array($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":" ","snd":" "}}"#,
        r#"[" "," "]"#,
    ),
    (
        r#"array__array_2__03"#,
        r#"States.Array($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":null,"snd":null}}"#,
        r#"[null,null]"#,
    ),
    (
        r#"array__array_2__04"#,
        r#"States.Array($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":1,"snd":1}}"#,
        r#"[1,1]"#,
    ),
    (
        r#"array__array_2__05"#,
        r#"States.Array($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":1.1,"snd":1.1}}"#,
        r#"[1.1,1.1]"#,
    ),
    (
        r#"array__array_2__07"#,
        r#"States.Array($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":{"Arg1":1,"Arg2":[]},"snd":{"Arg1":1,"Arg2":[]}}}"#,
        r#"[{"Arg1":1,"Arg2":[]},{"Arg1":1,"Arg2":[]}]"#,
    ),
    (
        r#"array__array_contains__00"#,
        r#"States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[],"snd":null}}"#,
        r#"false"#,
    ),
    (
        r#"array__array_contains__01"#,
        r#"States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[],"snd":[]}}"#,
        r#"false"#,
    ),
    (
        r#"array__array_contains__03"#,
        r#"States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[[1,2,3],2],"snd":null}}"#,
        r#"false"#,
    ),
    (
        r#"array__array_contains__04"#,
        r#"States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[[1,2,3],2],"snd":[1,2,3]}}"#,
        r#"true"#,
    ),
    (
        r#"array__array_contains__05"#,
        r#"States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[{"1":2,"2":[]}],"snd":[]}}"#,
        r#"false"#,
    ),
    (
        r#"array__array_contains__07"#,
        r#"States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[true,false],"snd":true}}"#,
        r#"true"#,
    ),
    (
        r#"array__array_contains__08"#,
        r#"States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[true,false],"snd":false}}"#,
        r#"true"#,
    ),
    (
        r#"array__array_get_item"#,
        r#"States.ArrayGetItem($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[1,2,3,4,5,6,7,8,9],"snd":5}}"#,
        r#"6"#,
    ),
    (
        r#"array__array_partition__00"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[],"snd":1}}"#,
        r#"[]"#,
    ),
    (
        r#"array__array_partition__01"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[],"snd":2}}"#,
        r#"[]"#,
    ),
    (
        r#"array__array_partition__02"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[],"snd":3}}"#,
        r#"[]"#,
    ),
    (
        r#"array__array_partition__04"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[],"snd":5}}"#,
        r#"[]"#,
    ),
    (
        r#"array__array_partition__05"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[0],"snd":1}}"#,
        r#"[[0]]"#,
    ),
    (
        r#"array__array_partition__06"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[0],"snd":2}}"#,
        r#"[[0]]"#,
    ),
    (
        r#"array__array_partition__08"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[0],"snd":4}}"#,
        r#"[[0]]"#,
    ),
    (
        r#"array__array_partition__09"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[0],"snd":5}}"#,
        r#"[[0]]"#,
    ),
    (
        r#"array__array_partition__10"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[0,1],"snd":1}}"#,
        r#"[[0],[1]]"#,
    ),
    (
        r#"array__array_partition__12"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[0,1],"snd":3}}"#,
        r#"[[0,1]]"#,
    ),
    (
        r#"array__array_partition__13"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[0,1],"snd":4}}"#,
        r#"[[0,1]]"#,
    ),
    (
        r#"array__array_partition__14"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[0,1],"snd":5}}"#,
        r#"[[0,1]]"#,
    ),
    (
        r#"array__array_partition__16"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[0,1,2],"snd":2}}"#,
        r#"[[0,1],[2]]"#,
    ),
    (
        r#"array__array_partition__17"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[0,1,2],"snd":3}}"#,
        r#"[[0,1,2]]"#,
    ),
    (
        r#"array__array_partition__18"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[0,1,2],"snd":4}}"#,
        r#"[[0,1,2]]"#,
    ),
    (
        r#"array__array_partition__20"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[0,1,2,3],"snd":1}}"#,
        r#"[[0],[1],[2],[3]]"#,
    ),
    (
        r#"array__array_partition__21"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[0,1,2,3],"snd":2}}"#,
        r#"[[0,1],[2,3]]"#,
    ),
    (
        r#"array__array_partition__22"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[0,1,2,3],"snd":3}}"#,
        r#"[[0,1,2],[3]]"#,
    ),
    (
        r#"array__array_partition__24"#,
        r#"States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":[0,1,2,3],"snd":5}}"#,
        r#"[[0,1,2,3]]"#,
    ),
    (
        r#"array__array_range__00"#,
        r#"States.ArrayRange($.FunctionInput.fst, $.FunctionInput.snd, $.FunctionInput.trd)"#,
        r#"{"FunctionInput":{"fst":0,"snd":9,"trd":3}}"#,
        r#"[0,3,6,9]"#,
    ),
    (
        r#"array__array_range__01"#,
        r#"States.ArrayRange($.FunctionInput.fst, $.FunctionInput.snd, $.FunctionInput.trd)"#,
        r#"{"FunctionInput":{"fst":0,"snd":10,"trd":3}}"#,
        r#"[0,3,6,9]"#,
    ),
    (
        r#"array__array_range__03"#,
        r#"States.ArrayRange($.FunctionInput.fst, $.FunctionInput.snd, $.FunctionInput.trd)"#,
        r#"{"FunctionInput":{"fst":1,"snd":9,"trd":2}}"#,
        r#"[1,3,5,7,9]"#,
    ),
    (
        r#"array__array_unique"#,
        r#"States.ArrayLength($.FunctionInput)"#,
        r#"{"FunctionInput":[null,null,true,true,false,false,1,1,1.1,0,0,"HelloWorld","HelloWorld",[],[],[null],[null],{"a":1,"b":2},{"a":1,"b":2},{"a":1,"b":1}]}"#,
        r#"20"#,
    ),
    (
        r#"encode_decode__base_64_decode__00"#,
        r#"States.Base64Decode($.FunctionInput)"#,
        r#"{"FunctionInput":""}"#,
        r#""""#,
    ),
    (
        r#"encode_decode__base_64_encode__00"#,
        r#"States.Base64Encode($.FunctionInput)"#,
        r#"{"FunctionInput":""}"#,
        r#""""#,
    ),
    (
        r#"encode_decode__base_64_encode__01"#,
        r#"States.Base64Encode($.FunctionInput)"#,
        r#"{"FunctionInput":"Data to encode"}"#,
        r#""RGF0YSB0byBlbmNvZGU=""#,
    ),
    (
        r#"generic__format_1__00"#,
        r#"States.Format('Formatting argument {}.', $.FunctionInput)"#,
        r#"{"FunctionInput":""}"#,
        r#""Formatting argument .""#,
    ),
    (
        r#"generic__format_1__01"#,
        r#"States.Format('Formatting argument {}.', $.FunctionInput)"#,
        r#"{"FunctionInput":" "}"#,
        r#""Formatting argument  .""#,
    ),
    (
        r#"generic__format_1__02"#,
        r#"States.Format('Formatting argument {}.', $.FunctionInput)"#,
        r#"{"FunctionInput":"HelloWorld"}"#,
        r#""Formatting argument HelloWorld.""#,
    ),
    (
        r#"generic__format_1__04"#,
        r#"States.Format('Formatting argument {}.', $.FunctionInput)"#,
        r#"{"FunctionInput":1}"#,
        r#""Formatting argument 1.""#,
    ),
    (
        r#"generic__format_1__05"#,
        r#"States.Format('Formatting argument {}.', $.FunctionInput)"#,
        r#"{"FunctionInput":1.1}"#,
        r#""Formatting argument 1.1.""#,
    ),
    (
        r#"generic__format_1__06"#,
        r#"States.Format('Formatting argument {}.', $.FunctionInput)"#,
        r#"{"FunctionInput":"{\"Arg1\": 1, \"Arg2\": []}"}"#,
        r#""Formatting argument {\"Arg1\": 1, \"Arg2\": []}.""#,
    ),
    (
        r#"generic__format_2__01"#,
        r#"States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":" ","snd":" "}}"#,
        r#""Formatting arguments fst=  and snd= .""#,
    ),
    (
        r#"generic__format_2__02"#,
        r#"States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":"HelloWorld","snd":"HelloWorld"}}"#,
        r#""Formatting arguments fst=HelloWorld and snd=HelloWorld.""#,
    ),
    (
        r#"generic__format_2__03"#,
        r#"States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":null,"snd":null}}"#,
        r#""Formatting arguments fst=null and snd=null.""#,
    ),
    (
        r#"generic__format_2__05"#,
        r#"States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":1.1,"snd":1.1}}"#,
        r#""Formatting arguments fst=1.1 and snd=1.1.""#,
    ),
    (
        r#"generic__format_2__06"#,
        r#"States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":"{\"Arg1\": 1, \"Arg2\": []}","snd":"{\"Arg1\": 1, \"Arg2\": []}"}}"#,
        r#""Formatting arguments fst={\"Arg1\": 1, \"Arg2\": []} and snd={\"Arg1\": 1, \"Arg2\": []}.""#,
    ),
    (
        r#"generic__format_2__07"#,
        r#"States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":{"Arg1":1,"Arg2":[]},"snd":{"Arg1":1,"Arg2":[]}}}"#,
        r#""Formatting arguments fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}.""#,
    ),
    (
        r#"hash_calculations__hash__00"#,
        r#"States.Hash($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":"input data","snd":"MD5"}}"#,
        r#""812f45842bc6d66ee14572ce20db8e86""#,
    ),
    (
        r#"hash_calculations__hash__01"#,
        r#"States.Hash($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":"input data","snd":"SHA-1"}}"#,
        r#""aaff4a450a104cd177d28d18d74485e8cae074b7""#,
    ),
    (
        r#"hash_calculations__hash__03"#,
        r#"States.Hash($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":"input data","snd":"SHA-384"}}"#,
        r#""d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562""#,
    ),
    (
        r#"hash_calculations__hash__04"#,
        r#"States.Hash($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":"input data","snd":"SHA-512"}}"#,
        r#""6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4""#,
    ),
    (
        r#"json_manipulation__json_merge"#,
        r#"States.JsonMerge($.FunctionInput.fst, $.FunctionInput.snd, false)"#,
        r#"{"FunctionInput":{"fst":{"a":{"a1":1,"a2":2},"b":2,"d":3},"snd":{"a":{"a3":1,"a4":2},"c":3,"d":4}}}"#,
        r#"{"a":{"a3":1,"a4":2},"b":2,"c":3,"d":4}"#,
    ),
    (
        r#"json_manipulation__json_to_string__01"#,
        r#"States.JsonToString($.FunctionInput)"#,
        r#"{"FunctionInput":0}"#,
        r#""0""#,
    ),
    (
        r#"json_manipulation__json_to_string__02"#,
        r#"States.JsonToString($.FunctionInput)"#,
        r#"{"FunctionInput":1}"#,
        r#""1""#,
    ),
    (
        r#"json_manipulation__json_to_string__03"#,
        r#"States.JsonToString($.FunctionInput)"#,
        r#"{"FunctionInput":1.1}"#,
        r#""1.1""#,
    ),
    (
        r#"json_manipulation__json_to_string__05"#,
        r#"States.JsonToString($.FunctionInput)"#,
        r#"{"FunctionInput":"HelloWorld"}"#,
        r#""\"HelloWorld\"""#,
    ),
    (
        r#"json_manipulation__json_to_string__06"#,
        r#"States.JsonToString($.FunctionInput)"#,
        r#"{"FunctionInput":[1,2,"HelloWorld"]}"#,
        r#""[1,2,\"HelloWorld\"]""#,
    ),
    (
        r#"json_manipulation__json_to_string__07"#,
        r#"States.JsonToString($.FunctionInput)"#,
        r#"{"FunctionInput":{"Arg1":1,"Arg2":[]}}"#,
        r#""{\"Arg1\":1,\"Arg2\":[]}""#,
    ),
    (
        r#"json_manipulation__string_to_json__01"#,
        r#"States.StringToJson($.FunctionInput)"#,
        r#"{"FunctionInput":" "}"#,
        r#"null"#,
    ),
    (
        r#"json_manipulation__string_to_json__02"#,
        r#"States.StringToJson($.FunctionInput)"#,
        r#"{"FunctionInput":"null"}"#,
        r#"null"#,
    ),
    (
        r#"json_manipulation__string_to_json__03"#,
        r#"States.StringToJson($.FunctionInput)"#,
        r#"{"FunctionInput":"-0"}"#,
        r#"0"#,
    ),
    (
        r#"json_manipulation__string_to_json__05"#,
        r#"States.StringToJson($.FunctionInput)"#,
        r#"{"FunctionInput":"1.1"}"#,
        r#"1.1"#,
    ),
    (
        r#"json_manipulation__string_to_json__06"#,
        r#"States.StringToJson($.FunctionInput)"#,
        r#"{"FunctionInput":"true"}"#,
        r#"true"#,
    ),
    (
        r#"json_manipulation__string_to_json__07"#,
        r#"States.StringToJson($.FunctionInput)"#,
        r#"{"FunctionInput":"\"HelloWorld\""}"#,
        r#""HelloWorld""#,
    ),
    (
        r#"json_manipulation__string_to_json__09"#,
        r#"States.StringToJson($.FunctionInput)"#,
        r#"{"FunctionInput":"{\"Arg1\": 1, \"Arg2\": []}"}"#,
        r#"{"Arg1":1,"Arg2":[]}"#,
    ),
    (
        r#"math_operations__math_add__00"#,
        r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":-9,"snd":3}}"#,
        r#"-6"#,
    ),
    (
        r#"math_operations__math_add__01"#,
        r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":1.49,"snd":1.5}}"#,
        r#"3"#,
    ),
    (
        r#"math_operations__math_add__03"#,
        r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":-1.49,"snd":-1.5}}"#,
        r#"-2"#,
    ),
    (
        r#"math_operations__math_add__04"#,
        r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":-1.5,"snd":-1.51}}"#,
        r#"-3"#,
    ),
    (
        r#"math_operations__math_add__05"#,
        r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":1.49,"snd":0}}"#,
        r#"1"#,
    ),
    (
        r#"math_operations__math_add__07"#,
        r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":1.5,"snd":0}}"#,
        r#"2"#,
    ),
    (
        r#"math_operations__math_add__08"#,
        r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":1.51,"snd":0}}"#,
        r#"2"#,
    ),
    (
        r#"math_operations__math_add__09"#,
        r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":-1.49,"snd":0}}"#,
        r#"-1"#,
    ),
    (
        r#"math_operations__math_add__11"#,
        r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":-1.51,"snd":0}}"#,
        r#"-2"#,
    ),
    (
        r#"math_operations__math_add__12"#,
        r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":0.5,"snd":0}}"#,
        r#"1"#,
    ),
    (
        r#"math_operations__math_add__14"#,
        r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":2.5,"snd":0}}"#,
        r#"3"#,
    ),
    (
        r#"math_operations__math_add__16"#,
        r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":-0.5,"snd":0.5}}"#,
        r#"1"#,
    ),
    (
        r#"math_operations__math_add__17"#,
        r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":-0.5,"snd":0}}"#,
        r#"0"#,
    ),
    (
        r#"math_operations__math_add__19"#,
        r#"States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":-2.5,"snd":0}}"#,
        r#"-2"#,
    ),
    (
        r#"string_operations__string_split__00"#,
        r#"States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":" ","snd":","}}"#,
        r#"[" "]"#,
    ),
    (
        r#"string_operations__string_split__01"#,
        r#"States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":" , ","snd":","}}"#,
        r#"[" "," "]"#,
    ),
    (
        r#"string_operations__string_split__02"#,
        r#"States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":", , ,","snd":","}}"#,
        r#"[" "," "]"#,
    ),
    (
        r#"string_operations__string_split__04"#,
        r#"States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":"1,2,3,4,5","snd":","}}"#,
        r#"["1","2","3","4","5"]"#,
    ),
    (
        r#"string_operations__string_split__05"#,
        r#"States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":"This.is+a,test=string","snd":".+,="}}"#,
        r#"["This","is","a","test","string"]"#,
    ),
    (
        r#"string_operations__string_split__06"#,
        r#"States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)"#,
        r#"{"FunctionInput":{"fst":"split on T and \nnew line","snd":"T\n"}}"#,
        r#"["split on "," and ","new line"]"#,
    ),
];

/// JSON text with object keys sorted.
fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<_> = m.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let inner: Vec<String> = entries
                .into_iter()
                .map(|(k, x)| format!("{}:{}", Value::String(k.clone()), canonical(x)))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(a) => {
            let inner: Vec<String> = a.iter().map(canonical).collect();
            format!("[{}]", inner.join(","))
        }
        other => other.to_string(),
    }
}

#[test]
fn aws_recorded_cases() {
    for (name, expr, input, expected) in RECORDED {
        let input: Value = serde_json::from_str(input).unwrap();
        let expected: Value = serde_json::from_str(expected).unwrap();
        let got = eval(expr, input).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got, expected, "{name}: {expr}");
        // Integers stay integers (3, not 3.0). Key order is not part of the recording.
        assert_eq!(canonical(&got), canonical(&expected), "{name}: {expr}");
    }
}

#[test]
fn recorded_context_and_variables() {
    // generic__context_json_path
    let mut scope = StaticScope {
        context: json!({
            "Execution": {"Name": "exec-1", "Input": {"input_field": {"constant_input_field": "constant_value"}}},
            "StateMachine": {"Id": "arn:aws:states:us-east-1:111111111111:stateMachine:sm-one-two", "Name": "sm-one-two"},
            "Map": {"Item": {"Value": "Pikachu", "Index": 1}},
        }),
        ..Default::default()
    };
    let input = json!({"FunctionInput": null});
    assert_eq!(
        eval_with(
            "States.Format('Formatting arguments fst={} and snd={}.', $$.Execution.Name, $$.StateMachine)",
            &input,
            &mut scope
        )
        .unwrap(),
        json!(
            "Formatting arguments fst=exec-1 and snd={Id=arn:aws:states:us-east-1:111111111111:stateMachine:sm-one-two, Name=sm-one-two}."
        )
    );
    // generic__nested_calls_2
    assert_eq!(
        eval_with(
            "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))",
            &input,
            &mut scope
        )
        .unwrap(),
        json!("two")
    );
    // json_manipulation__json_merge_escaped_argument
    assert_eq!(
        eval_with(
            r#"States.JsonMerge(States.StringToJson('{"constant_in_literal": "false"}'), $$.Execution.Input.input_field, false)"#,
            &input,
            &mut scope
        )
        .unwrap(),
        json!({"constant_in_literal": "false", "constant_input_field": "constant_value"})
    );
    // assign_reference_variables__reference_in_map_state__MAP_STATE_REFERENCE_IN_INTRINSIC_FUNCTION
    scope.variables.insert("AnswerTemplate".into(), json!("It's {}!"));
    assert_eq!(
        eval_with(
            "States.Format($AnswerTemplate, $$.Map.Item.Value)",
            &json!({}),
            &mut scope
        )
        .unwrap(),
        json!("It's Pikachu!")
    );
    // assign_reference_variables__reference_assign__BASE_REFERENCE_IN_ITERATOR_OUTER_SCOPE
    for (x, y, z, sum) in [(9, 44, 6, 63), (82, 25, 76, 187), (18, 42, 2, 66)] {
        scope.variables.insert("xCurrent".into(), json!(x));
        scope.variables.insert("yCurrent".into(), json!(y));
        scope.variables.insert("zCurrent".into(), json!(z));
        scope.variables.insert("bias".into(), json!(4.3));
        let got = eval_with(
            "States.MathAdd(States.MathAdd(States.MathAdd($yCurrent, $xCurrent), $zCurrent), $bias)",
            &json!([x, y, z]),
            &mut scope,
        )
        .unwrap();
        assert_eq!(got.to_string(), sum.to_string());
    }
}

#[test]
fn recorded_assign_from_intrinsics() {
    // assign_reference_variables__assign_from_value__BASE_ASSIGN_FROM_INTRINSIC_FUNCTION
    let input = json!({"inputArray": [1, 2, 3, 4, 5, 6], "duplicateArray": [1, 2, 2, 3, 3, 4],
        "rawString": "Hello World", "encodedString": "SGVsbG8gV29ybGQ=", "inputString": "Hash this string",
        "json1": {"a": 1, "b": 2}, "json2": {"c": 3, "d": 4}, "jsonString": "{\"key\":\"value\"}",
        "jsonObject": {"test": "object"}, "value1": 5, "value2": 3, "csvString": "a,b,c,d,e",
        "name": "John", "place": "LocalStack"});
    let cases = [
        ("States.Array('a', 'b', 'c')", json!(["a", "b", "c"])),
        (
            "States.ArrayPartition($.inputArray, 2)",
            json!([[1, 2], [3, 4], [5, 6]]),
        ),
        ("States.ArrayContains($.inputArray, 5)", json!(true)),
        ("States.ArrayRange(1, 10, 2)", json!([1, 3, 5, 7, 9])),
        ("States.ArrayGetItem($.inputArray, 2)", json!(3)),
        ("States.ArrayLength($.inputArray)", json!(6)),
        ("States.ArrayUnique($.duplicateArray)", json!([1, 2, 3, 4])),
        ("States.Base64Encode($.rawString)", json!("SGVsbG8gV29ybGQ=")),
        ("States.Base64Decode($.encodedString)", json!("Hello World")),
        (
            "States.Hash($.inputString, 'SHA-256')",
            json!("1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e"),
        ),
        (
            "States.JsonMerge($.json1, $.json2, false)",
            json!({"a": 1, "b": 2, "c": 3, "d": 4}),
        ),
        ("States.StringToJson($.jsonString)", json!({"key": "value"})),
        ("States.JsonToString($.jsonObject)", json!("{\"test\":\"object\"}")),
        ("States.MathAdd($.value1, $.value2)", json!(8)),
        ("States.StringSplit($.csvString, ',')", json!(["a", "b", "c", "d", "e"])),
        (
            "States.Format('Hello {}, welcome to {}!', $.name, $.place)",
            json!("Hello John, welcome to LocalStack!"),
        ),
    ];
    for (expr, expected) in cases {
        assert_eq!(ok(expr, input.clone()), expected, "{expr}");
    }
    let id = ok("States.UUID()", json!({}));
    let id = id.as_str().unwrap();
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4");
    assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
    assert!(
        id.chars()
            .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
}

#[test]
fn recorded_math_random() {
    // math_operations__math_random__00..02: any integer in range.
    for (lo, hi) in [(12.5, 44.51), (9999.0, 99999.0), (-99999.0, -9999.0)] {
        let input = json!({"FunctionInput": {"fst": lo, "snd": hi}});
        let mut scope = StaticScope::default();
        for _ in 0..200 {
            let v = eval_with(
                "States.MathRandom($.FunctionInput.fst, $.FunctionInput.snd)",
                &input,
                &mut scope,
            )
            .unwrap();
            let n = v.as_i64().unwrap_or_else(|| panic!("not an integer: {v}"));
            assert!(n >= java_round(lo) as i64 && n < java_round(hi) as i64, "{n}");
        }
    }
    // With a seed: java.util.Random, deterministic.
    let a = ok("States.MathRandom(1, 1000, 42)", json!({}));
    let b = ok("States.MathRandom(1, 1000, 42)", json!({}));
    assert_eq!(a, b);
    assert_eq!(a, json!(1 + JavaRandom::new(42).next_int(999)));
    assert_eq!(ok("States.MathRandom(0, 10, 42)", json!({})), json!(0));
}

#[test]
fn java_random_matches_java() {
    // new java.util.Random(42).nextDouble() on a JVM.
    assert_eq!(JavaRandom::new(42).next_double(), 0.7275636800328681);
    // new Random(42).nextInt(10) == 0; new Random(0).nextInt(100) == 60.
    assert_eq!(JavaRandom::new(42).next_int(10), 0);
    assert_eq!(JavaRandom::new(0).next_int(100), 60);
}

#[test]
fn illegal_escapes_are_rejected() {
    // base_scenarios__illegal_escapes__ESCAPE_SEQUENCES_ILLEGAL_INTRINSIC_FUNCTION(_2)
    for expr in [
        r#"States.StringToJson('{"text":"An \"escaped double quote\" here"}')"#,
        r#"States.Format('He said, \"Hello, {}!\"', 'Test \"Name\" Here')"#,
        r"States.Format('tab\t{}', 1)",
    ] {
        assert!(parse_err(expr).contains("escape"), "{expr}");
    }
}

#[test]
fn string_literal_escapes() {
    assert_eq!(ok(r"States.Format('It\'s {}', 'me')", json!({})), json!("It's me"));
    assert_eq!(ok(r"States.Format('\{\} {} \\', 1)", json!({})), json!("{} 1 \\"));
    assert_eq!(ok(r"States.Format('\{} {}', 1)", json!({})), json!("{} 1"));
    assert_eq!(ok(r"States.Format('a { b } {}', 1)", json!({})), json!("a { b } 1"));
    assert_eq!(
        ok(r"States.Array('\\', '\'', '{}')", json!({})),
        json!(["\\", "'", "{}"])
    );
    // Placeholders in a template that comes from a path are all live.
    assert_eq!(ok("States.Format($.t, 1, 'x')", json!({"t": "{}-{}"})), json!("1-x"));
}

#[test]
fn literals() {
    assert_eq!(
        ok(
            "States.Array(1, -2, 1.5, -0.25, 1e3, true, false, null, 'x')",
            json!({})
        ),
        json!([1, -2, 1.5, -0.25, 1000.0, true, false, null, "x"])
    );
    assert_eq!(ok("States.Array(-0)", json!({})).to_string(), "[0]");
    assert_eq!(ok("States.Array( 1 ,2\t, 'a' )", json!({})), json!([1, 2, "a"]));
    assert_eq!(ok("States.Array($, $.a)", json!({"a": 1})), json!([{"a": 1}, 1]));
    assert_eq!(ok("States.Array($['a b'][0])", json!({"a b": [7]})), json!([7]));
    assert_eq!(
        ok("States.Array($['a,b)'], $._x9.é)", json!({"a,b)": 1, "_x9": {"é": 2}})),
        json!([1, 2])
    );
    // A filter is scanned as one path argument (its support is path.rs's business).
    if let Err(e) = Intrinsic::parse("States.ArrayLength($.a[?(@.x == 'p, q)')])") {
        assert!(e.reason.contains("JSONPath"), "{}", e.reason);
    }
}

#[test]
fn parse_errors() {
    assert!(parse_err("States.Foo($.a)").contains("unknown"));
    assert!(parse_err("States.format('{}', $.a)").contains("unknown"));
    assert!(parse_err("States.Format()").contains("at least 1"));
    assert!(parse_err("States.UUID(1)").contains("0 arguments"));
    assert!(parse_err("States.MathAdd(1)").contains("2 arguments"));
    assert!(parse_err("States.MathRandom(1, 2, 3, 4)").contains("2 to 3"));
    assert!(parse_err("States.MathAdd('a', 1)").contains("must be a number"));
    assert!(parse_err("States.ArrayLength('abc')").contains("array"));
    assert!(parse_err("States.JsonMerge($.a, $.b, 'false')").contains("boolean"));
    for bad in [
        "States.Array(",
        "States.Array(1",
        "States.Array(1,)",
        "States.Array(,1)",
        "States.Array(1 2)",
        "States.Array('abc)",
        "States.Array(abc)",
        "States.Array(truex)",
        "States.Array(1.2.3)",
        "States.Array(--1)",
        "States.Array(1) x",
        "States.Array($.a b)",
        "States.Array($.a-b)",
        "States.Array($.a'b)",
        "States.Array (1)",
        "States.Array(.a)",
        "States.",
        "States",
        "$.a",
        "",
        "States.Array('\\",
        "States.Array($['\\",
    ] {
        assert!(Intrinsic::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn nesting_depth_is_capped_and_parsing_never_panics() {
    let nest = |n: usize| format!("{}1{}", "States.Array(".repeat(n), ")".repeat(n));
    assert!(Intrinsic::parse(&nest(MAX_NESTING_DEPTH)).is_ok());
    assert!(parse_err(&nest(MAX_NESTING_DEPTH + 1)).contains("nest"));
    assert!(Intrinsic::parse(&nest(100_000)).is_err());
    assert!(Intrinsic::parse(&"States.Array((((((((".repeat(1000)).is_err());
    // Every prefix of valid calls, including cuts inside multi-byte characters.
    for text in [
        r"States.Format('héllo {} \{\} ✓', States.MathAdd($.a[0], -1.5e2), $$.x, $v)",
        "States.JsonMerge(States.StringToJson('{\"a\": [1, 2]}'), $['b c'], false)",
    ] {
        assert!(Intrinsic::parse(text).is_ok(), "{text}");
        for cut in 0..text.len() {
            if text.is_char_boundary(cut) {
                let _ = Intrinsic::parse(&text[..cut]);
            }
        }
    }
}

#[test]
fn random_garbage_never_panics() {
    const PIECES: [&str; 24] = [
        "States.", "Format", "Array", "MathAdd", "(", ")", ",", " ", "'", "\\", "{", "}", "$", "$$", ".a", "[", "]",
        "[0]", "['x']", "1", "-", ".5e", "é", "\"",
    ];
    let mut scope = StaticScope::default();
    let input = json!({"a": [1, {"x": "y"}]});
    for _ in 0..20_000 {
        let mut text = String::from("States.");
        let n = (scope.random_u64() % 24) as usize;
        for _ in 0..n {
            text.push_str(PIECES[(scope.random_u64() % PIECES.len() as u64) as usize]);
        }
        if let Ok(call) = Intrinsic::parse(&text) {
            let mut s2 = StaticScope::default();
            let _ = call.eval(&mut Env::new(&input, &mut s2));
        }
    }
}

#[test]
fn format_rendering() {
    let input =
        json!({"o": {"a": 1, "b": [1, "x", null], "c": {"d": true}}, "f": 1e20, "g": 3.0, "h": 0.0001, "i": -1.5});
    assert_eq!(
        ok("States.Format('{}', $.o)", input.clone()),
        json!("{a=1, b=[1, x, null], c={d=true}}")
    );
    assert_eq!(
        ok("States.Format('{} {} {} {}', $.f, $.g, $.h, $.i)", input.clone()),
        json!("1.0E20 3.0 1.0E-4 -1.5")
    );
    assert_eq!(ok("States.Format('{}', $.o.b)", input), json!("[1, x, null]"));
    let e = failure("States.Format('{} {}', 1)", json!({}));
    assert_eq!(e.error, "States.IntrinsicFailure");
    let e = failure("States.Format('{}', 1, 2)", json!({}));
    assert_eq!(e.error, "States.IntrinsicFailure");
    let e = failure("States.Format($.t)", json!({"t": 1}));
    assert_eq!(e.error, "States.IntrinsicFailure");
}

#[test]
fn java_doubles() {
    let f = |d: f64| {
        let mut s = String::new();
        write_java_double(&mut s, d);
        s
    };
    assert_eq!(f(1.1), "1.1");
    assert_eq!(f(3.0), "3.0");
    assert_eq!(f(100.0), "100.0");
    assert_eq!(f(1234567.0), "1234567.0");
    assert_eq!(f(12345678.0), "1.2345678E7");
    assert_eq!(f(0.001), "0.001");
    assert_eq!(f(0.000123), "1.23E-4");
    assert_eq!(f(-2.5e-10), "-2.5E-10");
    assert_eq!(f(1e300), "1.0E300");
    assert_eq!(f(0.0), "0.0");
    assert_eq!(f(0.1 + 0.2), "0.30000000000000004");
}

#[test]
fn json_to_string() {
    assert_eq!(
        ok(
            "States.JsonToString($)",
            json!({"a": [1, 2.5, 1e21], "b": "q\"\\\n\u{1}é", "c": null})
        ),
        json!("{\"a\":[1,2.5,1.0E21],\"b\":\"q\\\"\\\\\\n\\u0001é\",\"c\":null}")
    );
    assert_eq!(ok("States.JsonToString('x')", json!({})), json!("\"x\""));
}

#[test]
fn string_to_json() {
    assert_eq!(ok("States.StringToJson('')", json!({})), Value::Null);
    assert_eq!(
        ok("States.StringToJson($.s)", json!({"s": "[-0, {\"a\": -0}]"})).to_string(),
        "[0,{\"a\":0}]"
    );
    let e = failure("States.StringToJson('{nope')", json!({}));
    assert_eq!(e.error, "States.IntrinsicFailure");
    let e = failure("States.StringToJson($.s)", json!({"s": 1}));
    assert_eq!(e.error, "States.IntrinsicFailure");
}

#[test]
fn arrays() {
    let input = json!({"a": [1, 2, 3, 4, 5], "u": [null, null, true, true, false, false, 1, 1, 1.1, 0, 0,
        "HelloWorld", "HelloWorld", [], [], [null], [null], {"a": 1, "b": 2}, {"b": 2, "a": 1}, {"a": 1, "b": 1}, 1.0]});
    assert_eq!(
        ok("States.ArrayUnique($.u)", input.clone()),
        json!([null, true, false, 1, 1.1, 0, "HelloWorld", [], [null], {"a": 1, "b": 2}, {"a": 1, "b": 1}, 1.0])
    );
    assert_eq!(
        ok("States.ArrayPartition($.a, 2.4)", input.clone()),
        json!([[1, 2], [3, 4], [5]])
    );
    assert_eq!(
        failure("States.ArrayPartition($.a, 0)", input.clone()).error,
        "States.IntrinsicFailure"
    );
    assert_eq!(
        failure("States.ArrayPartition($.a, -1)", input.clone()).error,
        "States.IntrinsicFailure"
    );
    assert_eq!(ok("States.ArrayGetItem($.a, 4)", input.clone()), json!(5));
    assert_eq!(
        failure("States.ArrayGetItem($.a, 5)", input.clone()).error,
        "States.IntrinsicFailure"
    );
    assert_eq!(
        failure("States.ArrayGetItem($.a, -1)", input.clone()).error,
        "States.IntrinsicFailure"
    );
    assert_eq!(
        failure("States.ArrayLength($.a[0])", input.clone()).error,
        "States.IntrinsicFailure"
    );
    assert_eq!(ok("States.ArrayContains($.u, $.u[17])", input.clone()), json!(true));
    assert_eq!(ok("States.ArrayContains($.a, 6)", input), json!(false));
    assert_eq!(ok("States.ArrayRange(9, 0, -3)", json!({})), json!([9, 6, 3, 0]));
    assert_eq!(ok("States.ArrayRange(0, 9, -3)", json!({})), json!([]));
    assert_eq!(ok("States.ArrayRange(1, 9, 9)", json!({})), json!([1]));
    assert_eq!(ok("States.ArrayRange(0.5, 2.4, 1)", json!({})), json!([1, 2]));
    assert_eq!(
        ok("States.ArrayRange(1, 1000, 1)", json!({})).as_array().unwrap().len(),
        1000
    );
    let e = failure("States.ArrayRange(0, 1000, 1)", json!({}));
    assert_eq!(e.error, "States.IntrinsicFailure");
    assert!(e.cause.unwrap().contains("1000"));
    assert_eq!(
        failure("States.ArrayRange(0, 10, 0)", json!({})).error,
        "States.IntrinsicFailure"
    );
    assert_eq!(
        failure(
            "States.ArrayRange(-9223372036854775808, 9223372036854775807, 1)",
            json!({})
        )
        .error,
        "States.IntrinsicFailure"
    );
}

#[test]
fn math_add() {
    assert_eq!(ok("States.MathAdd(1, 2)", json!({})).to_string(), "3");
    assert_eq!(ok("States.MathAdd($.count, 1)", json!({"count": 41})), json!(42));
    assert_eq!(ok("States.MathAdd(-1.5, 0)", json!({})), json!(-1));
    assert_eq!(ok("States.MathAdd(0.49999999999999994, 0)", json!({})), json!(0));
    assert_eq!(
        failure("States.MathAdd($.s, 1)", json!({"s": "1"})).error,
        "States.IntrinsicFailure"
    );
    assert_eq!(
        failure("States.MathAdd(9223372036854775807, 1)", json!({})).error,
        "States.IntrinsicFailure"
    );
    assert_eq!(ok("States.MathAdd(2147483647, -2147483648)", json!({})), json!(-1));
    assert_eq!(
        failure("States.MathAdd(2147483648, 0)", json!({})).error,
        "States.IntrinsicFailure"
    );
    assert_eq!(
        failure("States.MathAdd(0, -2147483649)", json!({})).error,
        "States.IntrinsicFailure"
    );
    assert_eq!(
        failure("States.MathAdd(18446744073709551615, 1)", json!({})).error,
        "States.IntrinsicFailure"
    );
    assert_eq!(
        failure("States.MathAdd(1e300, 1)", json!({})).error,
        "States.IntrinsicFailure"
    );
}

#[test]
fn encode_decode_hash() {
    let long = "a".repeat(MAX_STRING_INPUT_CHARS);
    assert!(ok("States.Base64Encode($.s)", json!({"s": long})).is_string());
    let too_long = "a".repeat(MAX_STRING_INPUT_CHARS + 1);
    for f in [
        "States.Base64Encode($.s)",
        "States.Base64Decode($.s)",
        "States.Hash($.s, 'MD5')",
    ] {
        let e = failure(f, json!({"s": too_long}));
        assert_eq!(e.error, "States.IntrinsicFailure", "{f}");
    }
    for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar", "héllo ✓"] {
        let enc = ok("States.Base64Encode($.s)", json!({"s": s}));
        assert_eq!(ok("States.Base64Decode($.e)", json!({"e": enc})), json!(s));
    }
    assert_eq!(ok("States.Base64Encode('foob')", json!({})), json!("Zm9vYg=="));
    assert_eq!(ok("States.Base64Decode('Zm9vYg')", json!({})), json!("foob"));
    for bad in ["Zm9v!", "Z", "Zm9vY===", "Zm=9"] {
        assert_eq!(
            failure("States.Base64Decode($.s)", json!({"s": bad})).error,
            "States.IntrinsicFailure",
            "{bad}"
        );
    }
    assert_eq!(
        ok("States.Hash('input data', 'SHA-256')", json!({})),
        json!("b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")
    );
    let e = failure("States.Hash('x', 'SHA-3')", json!({}));
    assert_eq!(e.error, "States.IntrinsicFailure");
    assert!(e.cause.unwrap().contains("SHA-3"));
}

#[test]
fn json_merge() {
    assert_eq!(
        failure("States.JsonMerge($.a, $.b, true)", json!({"a": {}, "b": {}})).error,
        "States.IntrinsicFailure"
    );
    assert_eq!(
        failure("States.JsonMerge($.a, $.b, false)", json!({"a": {}, "b": []})).error,
        "States.IntrinsicFailure"
    );
}

#[test]
fn string_split() {
    assert_eq!(ok("States.StringSplit('', ',')", json!({})), json!([]));
    assert_eq!(ok("States.StringSplit('a,b', '')", json!({})), json!(["a,b"]));
    assert_eq!(
        ok("States.StringSplit('a✓b✓✓c', '✓')", json!({})),
        json!(["a", "b", "c"])
    );
}

#[test]
fn missing_paths_are_runtime_errors() {
    let e = failure("States.MathAdd($.missing, 1)", json!({"a": 1}));
    assert_eq!(e.error, "States.Runtime");
    assert_eq!(
        e.cause.as_deref(),
        Some("The JSONPath '$.missing' could not be found in the input '{\"a\":1}'")
    );
    let call = Intrinsic::parse("States.Format('{}', $.x.y)").unwrap();
    let input = json!({"x": {}});
    let e = call
        .eval_for_field(&mut Env::new(&input, &mut StaticScope::default()), "f.$")
        .unwrap_err();
    assert_eq!(
        e.cause.as_deref(),
        Some("The JSONPath '$.x.y' specified for the field 'f.$' could not be found in the input '{\"x\":{}}'")
    );
    assert_eq!(
        failure("States.Array($undefinedVar)", json!({})).error,
        "States.Runtime"
    );
}

#[test]
fn api() {
    let call = Intrinsic::parse("States.Format('{}', States.Array($a, $$.b), $.c)").unwrap();
    assert_eq!(call.as_str(), "States.Format('{}', States.Array($a, $$.b), $.c)");
    assert_eq!(call.function(), Function::Format);
    let mut paths = Vec::new();
    call.for_each_path(|p| paths.push(p.as_str().to_string()));
    assert_eq!(paths, ["$a", "$$.b", "$.c"]);
    assert!(Intrinsic::looks_like_call("States.UUID()"));
    assert!(!Intrinsic::looks_like_call("$.a"));
    for f in Function::ALL {
        assert_eq!(Function::from_name(f.name()), Some(f));
    }
}

#[test]
fn uuid_uses_scope_randomness() {
    let mut a = StaticScope {
        seed: 7,
        ..Default::default()
    };
    let mut b = StaticScope {
        seed: 7,
        ..Default::default()
    };
    let x = eval_with("States.UUID()", &json!({}), &mut a).unwrap();
    let y = eval_with("States.UUID()", &json!({}), &mut b).unwrap();
    let z = eval_with("States.UUID()", &json!({}), &mut a).unwrap();
    assert_eq!(x, y);
    assert_ne!(x, z);
    assert_eq!(uuid_v4(0, 0), "00000000-0000-4000-8000-000000000000");
}
