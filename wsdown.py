import asyncio, websockets, json
async def main():
    try:
        async with websockets.connect("ws://127.0.0.1:18771/v1") as w:
            print("recv", await asyncio.wait_for(w.recv(),5))
            await asyncio.sleep(0.5)
            print("state", w.state, w.close_code)
    except Exception as e: print("EXC", type(e).__name__, e)
asyncio.run(main())
