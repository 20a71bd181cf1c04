<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>CompleteCommunity</name>
    <message>
      <source>Complete Community</source>
      <translation type="unfinished" />
    </message>
    <message>
      <source>Complete Community Toolkit</source>
      <translation type="unfinished" />
    </message>
  </context>
</TS>
