"""Small model pages, written for the parser tests, in both page formats."""

MARKDOWN = """---
title: Tiny | Runware Docs
url: https://runware.ai/docs/models/tiny
---
# Tiny

A tiny model page.

- **ID**: `tiny:1@1`
- **Status**: live
- **Creator**: Someone
- **Capabilities**: Text to Video, Video to Video

## Compatibility & Validation

`width` and `height` must be used together.

| Configuration | Dimensions |
| --- | --- |
| `wide` | `640x360` |
| `tall` | `360x640` |

## Request Parameters

**API Options**

Platform-level options.

### [taskType](https://runware.ai/docs/models/tiny#request-tasktype)

- **Type**: `string`
- **Required**: true
- **Value**: `videoInference`

The task type.

### [outputFormat](https://runware.ai/docs/models/tiny#request-outputformat)

- **Type**: `string`
- **Default**: `MP4`

Container.

- \\`MP4\\`: the usual one.
- \\`WEBM\\`: for the web.

**Allowed values**: `MP4` `WEBM`

### [quality](https://runware.ai/docs/models/tiny#request-quality)

- **Type**: `integer`
- **Min**: `1`
- **Max**: `9`

Quality.

### [safety](https://runware.ai/docs/models/tiny#request-safety)

- **Path**: `safety.mode`
- **Type**: `object (1 property)`

Safety settings.

#### [mode](https://runware.ai/docs/models/tiny#request-safety-mode)

- **Path**: `safety.mode`
- **Type**: `string`
- **Default**: `none`

Mode.

**Allowed values**:

- `none` Off.
- `full` Everything.

**Inputs**

Inputs. These must be nested inside the \\`inputs\\` object.

### [video](https://runware.ai/docs/models/tiny#request-inputs-video)

- **Type**: `string`
- **Required**: true

Video input (UUID or URL).

**Generation Parameters**

### [model](https://runware.ai/docs/models/tiny#request-model)

- **Type**: `string`
- **Required**: true
- **Value**: `tiny:1@1`

The model.

### [width](https://runware.ai/docs/models/tiny#request-width)

- **Type**: `integer`
- **Paired with**: height

Width.

### [height](https://runware.ai/docs/models/tiny#request-height)

- **Type**: `integer`
- **Paired with**: width

Height.

## Response Parameters

### [videoUUID](https://runware.ai/docs/models/tiny#response-videouuid)

- **Type**: `string`
- **Required**: true
- **Format**: `UUID v4`

Output id.

## Examples

### One

**Request**:

```json
{"taskType": "videoInference", "model": "tiny:1@1"}
```
"""

FLATTENED = """Tiny Two
A tiny flattened page.
API Options
Platform-level options.
-
taskType
string required value: videoInference -
The task type.
-
outputType
string default: URL -
Output type.
Allowed values 1 value
-
safety»modemode
string default: none -
Mode.
Allowed values 2 values
- Off.
- Everything.
-
Inputs
Inputs. These must be nested inside the inputs object.
inputs object.-
inputs»framesframes
array of strings or objects min items: 1max items: 3 -
Frames, each an image (UUID, URL, Data URI, or Base64) or an object with
image
and either
frame
or
timestamp.
Examples 1 example
"frames": [ { "image": "x", "frame": "first" } ]
Format 2: object[] 3 properties
-
inputs»frames»imageimage
string required -
Image input (UUID, URL, Data URI, or Base64).
-
inputs»frames»frameframe
object -
Position.
Allowed values 2 values
- First frame of the video.
- Frame index -1 (last frame).
-
inputs»frames»timestamptimestamp
float min: 0 max: 10 step: 0.01 -
Seconds.
-
Core Parameters
Primary parameters.
-
model
string required value: tiny:2@1 -
The model.
"""

# A fuller markdown page for the variant tests: every attribute label, both allowed-value forms,
# a nested object, a nested group, Learn more, a code block in a description, response, example.
_DOC = "https://runware.ai/docs/models/sample-model"
SAMPLE = f"""---
title: Sample Model | Runware Docs
url: {_DOC}
description: A model page made up for the parser tests
---
# Sample Model

Sample Model turns prompts into short clips.

- **ID**: `sample:1@1`
- **Status**: live
- **Creator**: Nobody
- **Release Date**: January 1, 2025
- **Capabilities**: Text to Video, Image to Video

## Compatibility & Validation

`width` and `height` must be used together.

| Configuration | Dimensions |
| --- | --- |
| `wide` | `640x360` |
| `tall` | `360x640` |

## Request Parameters

**API Options**

Platform-level options.

### [taskType]({_DOC}#request-tasktype)

- **Type**: `string`
- **Required**: true
- **Value**: `videoInference`

The task type.

### [taskUUID]({_DOC}#request-taskuuid)

- **Type**: `string`
- **Required**: true
- **Format**: `UUID v4`

Task id.

### [outputFormat]({_DOC}#request-outputformat)

- **Type**: `string`
- **Default**: `MP4`

Container.

- \\`MP4\\`: the usual one.
- \\`WEBM\\`: for the web.

**Allowed values**: `MP4` `WEBM`

### [webhookURL]({_DOC}#request-webhookurl)

- **Type**: `string`
- **Format**: `URI`

Where results are sent.

```text
## a comment, not a section
https://example.com/hook
```

**Learn more** (1 resource):

- [Webhooks](https://runware.ai/docs/platform/webhooks) (platform)

### [safety]({_DOC}#request-safety)

- **Path**: `safety.mode`
- **Type**: `object (1 property)`

Safety settings.

#### [mode]({_DOC}#request-safety-mode)

- **Path**: `safety.mode`
- **Type**: `string`
- **Default**: `none`

Mode.

**Allowed values**:

- `none` Off.
- `full` Everything.

**Inputs**

Inputs. These must be nested inside the \\`inputs\\` object.

### [frames]({_DOC}#request-inputs-frames)

- **Path**: `inputs.frames`
- **Type**: `array of strings`
- **Min items**: `1`
- **Max items**: `4`

Frames (UUID, URL, Data URI, or Base64).

### [video]({_DOC}#request-inputs-video)

- **Type**: `string`
- **Required**: true

Video input (UUID or URL).

**Generation Parameters**

Core parameters.

### [model]({_DOC}#request-model)

- **Type**: `string`
- **Required**: true
- **Value**: `sample:1@1`

The model.

### [duration]({_DOC}#request-duration)

- **Type**: `float`
- **Min**: `1`
- **Max**: `10`
- **Step**: `0.5`
- **Default**: `5`

Seconds.

### [width]({_DOC}#request-width)

- **Type**: `integer`
- **Paired with**: height

Width.

### [height]({_DOC}#request-height)

- **Type**: `integer`
- **Paired with**: width

Height.

### [includeCost]({_DOC}#request-includecost)

- **Type**: `boolean`
- **Default**: `false`

Include the cost.

## Response Parameters

### [videoUUID]({_DOC}#response-videouuid)

- **Type**: `string`
- **Required**: true
- **Format**: `UUID v4`

Output id.

### [cost]({_DOC}#response-cost)

- **Type**: `float`

Cost in USD.

## Examples

### One

**Request**:

```json
{{"taskType": "videoInference", "model": "sample:1@1"}}
```

**Response**:

```json
{{"taskType": "videoInference", "videoUUID": "x"}}
```
"""
