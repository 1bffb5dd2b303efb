/*!
Stage 1, **decode**: turn the bytes of a file into text and say how sure we
are of the encoding (BOM, UTF-8, UTF-16, GBK/GB18030, Big5…).

Not built yet: until it is, the command line accepts UTF-8 only and reports
the byte offset of the first invalid byte.
*/
