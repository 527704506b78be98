{
  "targets": [
    {
      "target_name": "otbook_native",
      "sources": ["otbook_native.c"],
      "cflags": ["-O3", "-fno-math-errno", "-std=c11"],
      "libraries": ["-lopenblas", "-lm"]
    }
  ]
}
